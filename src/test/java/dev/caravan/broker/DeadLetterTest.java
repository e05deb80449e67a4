package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.jms.Message;

import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * A route that fails on every delivery rolls back to the broker, which redelivers it with back-off and, after the
 * configured attempts, moves it to {@code DLQ.<queue>} with its body and headers intact.
 */
@QuarkusTest
class DeadLetterTest extends CaravanTestSupport {

    @Inject
    BrokerConfig broker;

    @Test
    void failingRouteEndsInThePerQueueDeadLetterQueue() throws Exception {
        files().deploy("dlq-always-fails.camel.yaml", """
                - route:
                    id: dlq-always-fails
                    from:
                      uri: "jms:queue:dlq.test.orders"
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalStateException
                            message: "billing system refused the order"
                        - to: "jms:queue:dlq.test.never"
                """);
        try (Jms operator = Jms.connect(port, "operator", "operator")) {
            operator.sendText("dlq.test.orders", "order-42", "orderId", "42");

            // DLQ.<queue> lives on the DLA address and exists from the first dead letter on (see broker.xml).
            Message dead = nextDeadLetter(operator, "dlq.test.orders", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("order-42");
            assertThat(dead.getStringProperty("orderId")).isEqualTo("42");
            assertThat(dead.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("dlq.test.orders");

            int attempts = broker.redelivery().maxAttempts();
            var route = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                    .getManagedRoute("dlq-always-fails");
            await().atMost(Duration.ofSeconds(5)).until(() -> route.getExchangesFailed() == attempts);
            assertThat(route.getExchangesCompleted()).isZero();
            assertThat(operator.receive("dlq.test.never", 200)).isNull();
            assertThat(operator.receive("dlq.test.orders", 200)).as("nothing left on the queue").isNull();
        } finally {
            files().undeploy("dlq-always-fails.camel.yaml");
        }
    }

    @Test
    void expiredMessagesGoToTheExpiryQueue() throws Exception {
        try (Jms operator = Jms.connect(port, "operator", "operator")) {
            var session = operator.session();
            try (var producer = session.createProducer(session.createQueue("expiry.test"))) {
                producer.setTimeToLive(1);
                producer.send(session.createTextMessage("stale"));
            }
            // A consumer that arrives after the time-to-live finds nothing: the broker moves the message to ExpiryQueue.
            assertThat(operator.receive("expiry.test", 500)).isNull();
            Message expired = operator.receive("ExpiryQueue", 10_000);
            assertThat(expired).isNotNull();
            assertThat(Jms.text(expired)).isEqualTo("stale");
            assertThat(expired.getStringProperty("_AMQ_ORIG_ADDRESS")).isEqualTo("expiry.test");
        }
    }
}
