package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import jakarta.jms.BytesMessage;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * A route that leaves a message unchanged forwards the received JMS message itself ({@link ForwardingJmsMessage}); the
 * options of the endpoint it sends to still apply to what is sent, as they do to Camel's copy.
 */
@QuarkusTest
class ForwardingProducerOptionsTest extends CaravanTestSupport {

    private static final String FILE = "forwarding-producer-options.camel.yaml";

    @Test
    void theSendingEndpointsMessageTypeAndQualityOfServiceApplyToAForwardedMessage() throws Exception {
        files().deploy(FILE,
                """
                        - route:
                            id: fwd-options-text
                            from:
                              uri: "jms:queue:fwd.options.bytes"
                              steps:
                                - to: "jms:queue:fwd.options.text?jmsMessageType=Text"
                        - route:
                            id: fwd-options-qos
                            from:
                              uri: "jms:queue:fwd.options.plain"
                              steps:
                                - to: "jms:queue:fwd.options.qos?explicitQosEnabled=true&priority=9&timeToLive=600000&deliveryMode=1"
                        """);
        try (Jms client = Jms.connect(port, "operator", "operator")) {
            try (MessageProducer producer = client.session()
                    .createProducer(client.session().createQueue("fwd.options.bytes"))) {
                BytesMessage bytes = client.session().createBytesMessage();
                bytes.writeBytes("hello".getBytes(StandardCharsets.UTF_8));
                producer.send(bytes);
            }
            Message text = client.receive("fwd.options.text", 10_000);
            assertThat(text).isInstanceOf(TextMessage.class);
            assertThat(((TextMessage) text).getText()).isEqualTo("hello");

            long sentAt = System.currentTimeMillis();
            client.sendText("fwd.options.plain", "urgent");
            Message qos = client.receive("fwd.options.qos", 10_000);
            assertThat(Jms.text(qos)).isEqualTo("urgent");
            assertThat(qos.getJMSPriority()).isEqualTo(9);
            assertThat(qos.getJMSDeliveryMode()).isEqualTo(DeliveryMode.NON_PERSISTENT);
            assertThat(qos.getJMSExpiration()).isGreaterThanOrEqualTo(sentAt + 600_000);
        } finally {
            files().undeploy(FILE);
        }
    }
}
