package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.apache.camel.api.management.ManagedCamelContext;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterHeaders;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * A route that fails on every delivery rolls back to the broker, which redelivers it with back-off and, after the
 * configured attempts, moves it to {@code DLQ.<queue>} with its body and headers intact and the failure written on it
 * ({@link DeadLetterHeaders}) — the same shape when a route gave up, when any other consumer did, and when the body
 * could not even be parsed.
 */
@QuarkusTest
class DeadLetterTest extends CaravanTestSupport {

    @Inject
    BrokerConfig broker;

    @Test
    void failingRouteEndsInThePerQueueDeadLetterQueueWithTheFailureOnIt() throws Exception {
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
            long sentAt = System.currentTimeMillis();
            operator.sendText("dlq.test.orders", "order-42", "orderId", "42");

            // DLQ.<queue> lives on the DLA address and exists from the first dead letter on (see broker.xml).
            Message dead = nextDeadLetter(operator, "dlq.test.orders", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("order-42");
            assertThat(dead.getStringProperty("orderId")).isEqualTo("42");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ORIGINAL_ADDRESS)).isEqualTo("dlq.test.orders");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ORIGINAL_QUEUE)).isEqualTo("dlq.test.orders");
            assertThat(dead.getStringProperty(DeadLetterHeaders.FAILED_BY)).isEqualTo("route");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo("dlq-always-fails");
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS))
                    .isEqualTo(IllegalStateException.class.getName());
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE))
                    .isEqualTo("billing system refused the order");
            int attempts = broker.redelivery().maxAttempts();
            assertThat(dead.getIntProperty(DeadLetterHeaders.ATTEMPTS)).isEqualTo(attempts);
            long first = dead.getLongProperty(DeadLetterHeaders.FIRST_FAILED_AT);
            long last = dead.getLongProperty(DeadLetterHeaders.LAST_FAILED_AT);
            assertThat(first).isGreaterThanOrEqualTo(sentAt);
            // The broker backs off between deliveries: the first and last failure are apart by at least the delays.
            assertThat(last - first).isGreaterThanOrEqualTo(broker.redelivery().delay());

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
    void routeRetriesWithItsOwnBackOffBeforeTheBrokerRedelivers() throws Exception {
        files().deploy("dlq-route-backoff.camel.yaml", """
                - routeConfiguration:
                    id: dlq-test-backoff
                    errorHandler:
                      defaultErrorHandler:
                        redeliveryPolicy:
                          maximumRedeliveries: 2
                          redeliveryDelay: 10
                          useExponentialBackOff: true
                          backOffMultiplier: 2
                - route:
                    id: dlq-route-backoff
                    routeConfigurationId: dlq-test-backoff
                    from:
                      uri: "jms:queue:dlq.test.backoff"
                      steps:
                        - throwException:
                            exceptionType: java.io.IOException
                            message: "partner unreachable"
                """);
        try (Jms operator = Jms.connect(port, "operator", "operator")) {
            operator.sendText("dlq.test.backoff", "retry-me");
            Message dead = nextDeadLetter(operator, "dlq.test.backoff", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("retry-me");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo("dlq-route-backoff");
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS)).isEqualTo("java.io.IOException");
            // Every broker delivery was tried three times by the route (one try, two redeliveries).
            assertThat(dead.getIntProperty(DeadLetterHeaders.ATTEMPTS))
                    .isEqualTo(3 * broker.redelivery().maxAttempts());
        } finally {
            files().undeploy("dlq-route-backoff.camel.yaml");
        }
    }

    @Test
    void unparseableBodyIsDeadLetteredWithTheParseError() throws Exception {
        files().deploy("dlq-unparseable.camel.yaml", """
                - route:
                    id: dlq-unparseable
                    from:
                      uri: "jms:queue:dlq.test.json"
                      steps:
                        - choice:
                            when:
                              - jsonpath: "$[?(@.amount > 100)]"
                                steps:
                                  - to: "jms:queue:dlq.test.json.big"
                            otherwise:
                              steps:
                                - to: "jms:queue:dlq.test.json.small"
                """);
        try (Jms operator = Jms.connect(port, "operator", "operator")) {
            operator.sendText("dlq.test.json", "{\"amount\": 12");
            Message dead = nextDeadLetter(operator, "dlq.test.json", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("{\"amount\": 12");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo("dlq-unparseable");
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS)).isNotBlank();
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE)).isNotBlank();
            assertThat(operator.receive("dlq.test.json.small", 100)).isNull();
        } finally {
            files().undeploy("dlq-unparseable.camel.yaml");
        }
    }

    @Test
    void consumerOutsideCaravanThatNeverAcknowledgesGetsTheBrokersReason() throws Exception {
        int attempts = broker.redelivery().maxAttempts();
        try (Jms operator = Jms.connect(port, "operator", "operator")) {
            operator.sendText("dlq.test.foreign", "nobody-wants-me", "orderId", "7");
            try (var connection = Jms.core(port, "operator", "operator").createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue("dlq.test.foreign"));
                for (int i = 0; i < attempts; i++) {
                    assertThat(consumer.receive(10_000)).as("delivery " + (i + 1)).isNotNull();
                    session.rollback();
                }
            }
            Message dead = nextDeadLetter(operator, "dlq.test.foreign", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("nobody-wants-me");
            assertThat(dead.getStringProperty("orderId")).isEqualTo("7");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ORIGINAL_ADDRESS)).isEqualTo("dlq.test.foreign");
            assertThat(dead.getStringProperty(DeadLetterHeaders.FAILED_BY)).isEqualTo("broker");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isNull();
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS))
                    .isEqualTo("MaxDeliveryAttemptsExceeded");
            assertThat(dead.getIntProperty(DeadLetterHeaders.ATTEMPTS)).isEqualTo(attempts);
            assertThat(dead.getLongProperty(DeadLetterHeaders.LAST_FAILED_AT)).isPositive();
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
