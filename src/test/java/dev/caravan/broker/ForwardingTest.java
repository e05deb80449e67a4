package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.BytesMessage;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.telemetry.Tracer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * A route that does not change a message forwards it as received; any change a route makes still reaches the output.
 * Each case sends the same message (body, string and int properties, correlation id, type) through a YAML route.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForwardingTest extends CaravanTestSupport {

    private static final String FILE = "forwarding.camel.yaml";
    private static final String PROBE = "forwarding-probe";

    private final List<Boolean> probeCopied = new CopyOnWriteArrayList<>();
    private String tracingExcluded;

    @BeforeAll
    void deploy() throws Exception {
        // Tests trace every message, and a traced message is passed on with its new trace context: a change. These
        // routes are about messages nothing changes, so they are left out of tracing.
        Tracer tracer = camel.hasService(Tracer.class);
        if (tracer != null) {
            tracingExcluded = tracer.getExcludePatterns();
            tracer.setExcludePatterns("jms:queue:fwd*,jms:topic:fwd*,jms://queue:fwd*,jms://topic:fwd*");
        }
        files().deploy(FILE, """
                - route:
                    id: fwd-pass
                    from:
                      uri: "jms:queue:fwd.pass"
                      steps:
                        - to: "jms:queue:fwd.out"
                - route:
                    id: fwd-camel-header
                    from:
                      uri: "jms:queue:fwd.camel-header"
                      steps:
                        - setHeader:
                            name: CamelCaravanNote
                            constant: "internal"
                        - to: "jms:queue:fwd.out"
                - route:
                    id: fwd-add-header
                    from:
                      uri: "jms:queue:fwd.add-header"
                      steps:
                        - setHeader:
                            name: added
                            constant: "yes"
                        - to: "jms:queue:fwd.out"
                - route:
                    id: fwd-remove-header
                    from:
                      uri: "jms:queue:fwd.remove-header"
                      steps:
                        - removeHeader:
                            name: drop
                        - to: "jms:queue:fwd.out"
                - route:
                    id: fwd-correlation
                    from:
                      uri: "jms:queue:fwd.correlation"
                      steps:
                        - setHeader:
                            name: JMSCorrelationID
                            constant: "c-2"
                        - to: "jms:queue:fwd.out"
                - route:
                    id: fwd-body
                    from:
                      uri: "jms:queue:fwd.body"
                      steps:
                        - setBody:
                            simple: "${body}!"
                        - to: "jms:queue:fwd.out"
                - route:
                    id: fwd-topic
                    from:
                      uri: "jms:topic:fwd.events"
                      steps:
                        - to: "jms:queue:fwd.out"
                """);
        // A Java route, so the test can look at the Camel message after the send: was it forwarded or copied?
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("jms:queue:fwd.probe").routeId(PROBE)
                        .to("jms:queue:fwd.out")
                        .process(e -> probeCopied.add(e.getIn(JmsMessage.class).shouldCreateNewMessage()));
            }
        });
    }

    @AfterAll
    void undeploy() throws Exception {
        Tracer tracer = camel.hasService(Tracer.class);
        if (tracer != null) {
            tracer.setExcludePatterns(tracingExcluded);
        }
        files().undeploy(FILE);
        camel.getRouteController().stopRoute(PROBE);
        camel.removeRoute(PROBE);
    }

    @Test
    void unchangedMessageIsForwardedWithEverythingOnIt() throws Exception {
        Message out = roundTrip("fwd.pass", false);
        assertOriginal(out);
        assertThat(out.getStringProperty("drop")).isEqualTo("x");
        assertThat(out.getJMSCorrelationID()).isEqualTo("c-1");
    }

    @Test
    void passThroughRouteSendsTheReceivedMessageRatherThanACopy() throws Exception {
        probeCopied.clear();
        assertOriginal(roundTrip("fwd.probe", false));
        assertThat(probeCopied).containsExactly(false);
    }

    @Test
    void camelInternalHeadersNeitherTravelNorForceACopy() throws Exception {
        Message out = roundTrip("fwd.camel-header", false);
        assertOriginal(out);
        assertThat(out.propertyExists("CamelCaravanNote")).isFalse();
    }

    @Test
    void addedHeaderTravels() throws Exception {
        Message out = roundTrip("fwd.add-header", false);
        assertOriginal(out);
        assertThat(out.getStringProperty("added")).isEqualTo("yes");
    }

    @Test
    void removedHeaderIsGone() throws Exception {
        Message out = roundTrip("fwd.remove-header", false);
        assertThat(Jms.text(out)).isEqualTo("hello");
        assertThat(out.propertyExists("drop")).isFalse();
        assertThat(out.getIntProperty("count")).isEqualTo(42);
    }

    @Test
    void changedJmsHeaderTravels() throws Exception {
        Message out = roundTrip("fwd.correlation", false);
        assertThat(out.getJMSCorrelationID()).isEqualTo("c-2");
        assertThat(out.getStringProperty("keep")).isEqualTo("1");
    }

    @Test
    void changedBodyTravelsWithTheHeaders() throws Exception {
        Message out = roundTrip("fwd.body", false);
        assertThat(Jms.text(out)).isEqualTo("hello!");
        assertThat(out.getStringProperty("keep")).isEqualTo("1");
        assertThat(out.getJMSCorrelationID()).isEqualTo("c-1");
    }

    @Test
    void messageFromATopicIsForwardedToAQueue() throws Exception {
        awaitSubscribers("fwd.events", 1);
        assertOriginal(roundTrip("fwd.events", true));
    }

    @Test
    void bytesBodyTravelsExactlyWhetherForwardedOrCopied() throws Exception {
        byte[] small = new byte[4096];
        new Random(7).nextBytes(small);
        // Over the client's 100 KiB threshold: sent and received as an Artemis large (streamed) message.
        byte[] large = new byte[300 * 1024];
        new Random(8).nextBytes(large);
        for (String route : List.of("fwd.pass", "fwd.add-header")) {
            for (byte[] body : List.of(small, large)) {
                try (Jms client = connect("app")) {
                    Session session = client.session();
                    try (MessageProducer producer = session.createProducer(session.createQueue(route))) {
                        BytesMessage message = session.createBytesMessage();
                        message.writeBytes(body);
                        producer.send(message);
                    }
                    // A large message's body streams from the broker while its consumer is open: read it there.
                    try (MessageConsumer consumer = session.createConsumer(session.createQueue("fwd.out"))) {
                        Message out = consumer.receive(10_000);
                        assertThat(out).isInstanceOf(BytesMessage.class);
                        assertThat(out.getBody(byte[].class)).as("%d-byte body via %s", body.length, route)
                                .isEqualTo(body);
                    }
                }
            }
        }
    }

    private Message roundTrip(String destination, boolean topic) throws Exception {
        try (Jms client = connect("app")) {
            Session session = client.session();
            Destination to = topic ? session.createTopic(destination) : session.createQueue(destination);
            try (MessageProducer producer = session.createProducer(to)) {
                TextMessage message = session.createTextMessage("hello");
                message.setStringProperty("keep", "1");
                message.setStringProperty("drop", "x");
                message.setIntProperty("count", 42);
                message.setJMSCorrelationID("c-1");
                message.setJMSType("order");
                producer.send(message);
            }
            Message out = client.receive("fwd.out", 10_000);
            assertThat(out).as("message through " + destination).isNotNull();
            assertThat(client.receive("fwd.out", 100)).as("exactly one message").isNull();
            return out;
        }
    }

    private static void assertOriginal(Message out) throws JMSException {
        assertThat(Jms.text(out)).isEqualTo("hello");
        assertThat(out.getStringProperty("keep")).isEqualTo("1");
        assertThat(out.getIntProperty("count")).isEqualTo(42);
        assertThat(out.getJMSCorrelationID()).isEqualTo("c-1");
        assertThat(out.getJMSType()).isEqualTo("order");
    }
}
