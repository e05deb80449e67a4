package dev.caravan.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.impl.AddressInfo;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * broker.xml's per-address grants, tried with real clients: the {@code app} role keeps its own addresses but cannot take
 * other callers' request-reply answers, forge audit entries, read expired messages or reach the broker's own addresses;
 * Caravan's routes and gateway (which log in as admin) keep working.
 */
@QuarkusTest
class AddressAuthorizationTest extends CaravanTestSupport {

    @ConfigProperty(name = "caravan.dlq.audit-topic")
    String auditTopic;

    /** This instance's reply queue, as any responder learns it from a request's reply-to. */
    private String replyQueue() {
        return embeddedBroker.server().getPostOffice().getAddresses().stream().map(SimpleString::toString)
                .filter(a -> a.startsWith("caravan.replies.")).findFirst()
                .orElseGet(() -> {
                    // The gateway creates it on its first request-reply.
                    given().auth().preemptive().basic("app", "app").contentType("application/json")
                            .body("{\"sku\": \"A-1\", \"quantity\": 1}").post("/api/requests/pricing?timeout=10s")
                            .then().statusCode(200);
                    return embeddedBroker.server().getPostOffice().getAddresses().stream()
                            .map(SimpleString::toString).filter(a -> a.startsWith("caravan.replies.")).findFirst()
                            .orElseThrow();
                });
    }

    @Test
    void appCannotConsumeAnotherInstancesRepliesOverCoreOrAmqp() throws Exception {
        String replies = replyQueue();
        try (Jms app = connect("app")) {
            assertThatThrownBy(() -> app.receive(replies, 100)).isInstanceOf(JMSSecurityException.class);
        }
        JmsConnectionFactory amqp = new JmsConnectionFactory("app", "app", "amqp://127.0.0.1:" + port);
        try (Connection connection = amqp.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createConsumer(session.createQueue(replies)))
                    .isInstanceOf(JMSException.class).hasMessageContaining("not authorized");
        }
        // The gateway (Caravan's own connection) still gets its replies: request-reply works as before.
        given().auth().preemptive().basic("app", "app").contentType("application/json")
                .body("{\"sku\": \"B-2\", \"quantity\": 3}").post("/api/requests/pricing?timeout=10s")
                .then().statusCode(200).body(containsString("\"totalCents\":3000"));
    }

    @Test
    void appCannotPublishToTheAuditTopicOverCoreAmqpOrHttp() throws Exception {
        // The topic exists once Caravan has published an audit entry; make it exist, so what is refused is the send.
        var audit = SimpleString.of(auditTopic);
        if (embeddedBroker.server().getAddressInfo(audit) == null) {
            embeddedBroker.server().addAddressInfo(new AddressInfo(audit).addRoutingType(RoutingType.MULTICAST));
        }
        try (Jms app = connect("app")) {
            assertThatThrownBy(() -> app.publishText(auditTopic, "{\"action\":\"forged\"}"))
                    .isInstanceOf(JMSSecurityException.class);
        }
        JmsConnectionFactory amqp = new JmsConnectionFactory("app", "app", "amqp://127.0.0.1:" + port);
        try (Connection connection = amqp.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThatThrownBy(() -> session.createProducer(session.createTopic(auditTopic))
                    .send(session.createTextMessage("{\"action\":\"forged\"}")))
                    .isInstanceOf(JMSException.class).hasMessageContaining("permission='SEND'");
        }
        // The gateway applies the same broker.xml rules to HTTP callers.
        given().auth().preemptive().basic("app", "app").contentType("application/json").body("{\"action\":\"forged\"}")
                .post("/api/topics/" + auditTopic).then().statusCode(403)
                .body("error", containsString(auditTopic));
        // Operators may read the audit; an application may not subscribe to it.
        try (Jms app = connect("app")) {
            Session session = app.session();
            assertThatThrownBy(() -> session.createConsumer(session.createTopic(auditTopic)))
                    .isInstanceOf(JMSSecurityException.class);
        }
        try (Jms operator = connect("operator")) {
            Session session = operator.session();
            session.createConsumer(session.createTopic(auditTopic)).close();
        }
    }

    @Test
    void appCannotReachBrokerInternalsOrExpiredMessages() throws Exception {
        try (Jms app = connect("app")) {
            Session session = app.session();
            assertThatThrownBy(() -> session.createConsumer(session.createTopic("activemq.notifications")))
                    .isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> app.sendText("activemq.management", "x"))
                    .isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> app.receive("ExpiryQueue", 100)).isInstanceOf(JMSSecurityException.class);
            assertThatThrownBy(() -> app.receive("$sys.mqtt.sessions", 100))
                    .isInstanceOf(JMSSecurityException.class);
        }
        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                .post("/api/queues/ExpiryQueue").then().statusCode(403);
    }

    @Test
    void appKeepsItsOwnAddresses() throws Exception {
        try (Jms app = connect("app")) {
            app.sendText("authz.own", "mine");
            assertThat(Jms.text(app.receive("authz.own", 5_000))).isEqualTo("mine");
        }
        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                .post("/api/queues/authz.own.http").then().statusCode(202);
    }
}
