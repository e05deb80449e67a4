package dev.caravan.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.api.core.RoutingType;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.Mqtt;

/** One set of users guards the broker (every protocol) and HTTP; roles decide what each may do. */
@QuarkusTest
class SecurityTest extends CaravanTestSupport {

    @Test
    void wrongPasswordIsRefusedOnCore() {
        assertThatThrownBy(() -> Jms.connect(port, "app", "wrong").close()).isInstanceOf(JMSSecurityException.class);
        assertThatThrownBy(() -> Jms.connect(port, "nobody", "nobody").close())
                .isInstanceOf(JMSSecurityException.class);
    }

    @Test
    void wrongPasswordIsRefusedOnAmqp() {
        JmsConnectionFactory factory = new JmsConnectionFactory("app", "wrong", "amqp://127.0.0.1:" + port);
        assertThatThrownBy(() -> factory.createConnection().start()).isInstanceOf(JMSException.class);
    }

    @Test
    void wrongPasswordIsRefusedOnMqtt() throws Exception {
        MqttClient client = Mqtt.client(port);
        try {
            assertThatThrownBy(() -> client.connect(Mqtt.login("app", "wrong"))).isInstanceOf(MqttException.class);
        } finally {
            client.close();
        }
    }

    @Test
    void rightPasswordIsAcceptedAndAppCannotDrainDeadLetters() throws Exception {
        // The dead-letter queue the broker would create for security.test, made here up front.
        try (var locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + port);
                var factory = locator.createSessionFactory();
                var admin = factory.createSession("admin", "admin", false, true, true, false, 1)) {
            if (!admin.queueQuery(SimpleString.of("DLQ.security.test")).isExists()) {
                admin.createQueue(QueueConfiguration.of("DLQ.security.test").setAddress("DLA")
                        .setRoutingType(RoutingType.ANYCAST).setFilterString("_AMQ_ORIG_ADDRESS = 'security.test'"));
            }
        }
        try (Jms app = Jms.connect(port, "app", "app")) {
            app.sendText("security.test", "ok");
            assertThat(Jms.text(app.receive("security.test", 5_000))).isEqualTo("ok");
            assertThatThrownBy(() -> app.receive("DLA::DLQ.security.test", 100))
                    .isInstanceOf(JMSSecurityException.class);
        }
        try (Jms operator = Jms.connect(port, "operator", "operator")) {
            assertThat(operator.receive("DLA::DLQ.security.test", 100)).isNull();
        }
    }

    @Test
    void httpNeedsTheRightPasswordAndRole() {
        given().when().get("/api/routes/files").then().statusCode(401);
        given().auth().preemptive().basic("operator", "wrong").when().get("/api/routes/files").then()
                .statusCode(401);
        given().auth().preemptive().basic("app", "app").when().get("/api/routes/files").then().statusCode(403);
        given().auth().preemptive().basic("operator", "operator").when().get("/api/routes/files").then()
                .statusCode(200);
        given().auth().preemptive().basic("admin", "admin").when().get("/api/routes/files").then().statusCode(200);
    }

    @Test
    void healthNeedsNoLogin() {
        given().when().get("/q/health/live").then().statusCode(200);
        assertThat(given().when().get("/q/health").asString().getBytes(StandardCharsets.UTF_8)).isNotEmpty();
    }
}
