package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterHeaders;
import dev.caravan.routing.RouteFileStatus;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Batched acknowledgement ({@code transactionBatchCount}/{@code transactionBatchTimeout}) on a queue route and on a durable
 * topic subscriber.
 */
@QuarkusTest
class BatchCommitTest extends CaravanTestSupport {

    @Inject
    BrokerConfig broker;

    private static String route(String id, String in, String out, int count, int timeoutMillis, String extra) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "jms:queue:%s"
                      parameters:
                        concurrentConsumers: 2
                        transactionBatchCount: %d
                        transactionBatchTimeout: %d
                      steps:
                %s        - to: "jms:queue:%s"
                """.formatted(id, in, count, timeoutMillis, extra, out);
    }

    @Test
    void movesEveryMessageOnceInBatches() throws Exception {
        files().deploy("batch-move.camel.yaml", route("batch-move", "batch.move.in", "batch.move.out", 50, 100, ""));
        try (Jms client = connect("app")) {
            int count = 1_000;
            try (var connection = Jms.core(port, "app", "app").createConnection();
                    Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageProducer producer = tx.createProducer(tx.createQueue("batch.move.in"))) {
                for (int i = 0; i < count; i++) {
                    producer.send(tx.createTextMessage("m-" + i));
                }
                tx.commit();
            }
            Set<String> bodies = new HashSet<>();
            for (Message message : client.receive("batch.move.out", count, 10_000)) {
                assertThat(bodies.add(Jms.text(message))).isTrue();
            }
            assertThat(bodies).hasSize(count);
            assertThat(client.receive("batch.move.out", 200)).isNull();
        } finally {
            files().undeploy("batch-move.camel.yaml");
        }
    }

    @Test
    void durableSubscribersCommitInBatchesAndEachGetsEveryMessageOnce() throws Exception {
        StringBuilder routes = new StringBuilder();
        for (int i = 1; i <= 2; i++) {
            routes.append("""
                    - route:
                        id: batch-fan-%d
                        from:
                          uri: "jms:topic:batch.fan"
                          parameters:
                            subscriptionDurable: true
                            subscriptionShared: true
                            subscriptionName: batch-fan-%d
                            concurrentConsumers: 2
                            transactionBatchCount: 40
                            transactionBatchTimeout: 100
                          steps:
                            - to: "jms:queue:batch.fan.out.%d"
                    """.formatted(i, i, i));
        }
        files().deploy("batch-fan.camel.yaml", routes.toString());
        try (Jms client = connect("app")) {
            awaitSubscribers("batch.fan", 4);
            int count = 500;
            for (int i = 0; i < count; i++) {
                client.publishText("batch.fan", "f-" + i);
            }
            for (int i = 1; i <= 2; i++) {
                Set<String> bodies = new HashSet<>();
                for (Message message : client.receive("batch.fan.out." + i, count, 10_000)) {
                    assertThat(bodies.add(Jms.text(message))).as("once: " + Jms.text(message)).isTrue();
                }
                assertThat(bodies).hasSize(count);
                assertThat(client.receive("batch.fan.out." + i, 200)).isNull();
            }
            for (int i = 1; i <= 2; i++) {
                var subscription = embeddedBroker.server().locateQueue(SimpleString.of("batch-fan-" + i));
                await().atMost(Duration.ofSeconds(5)).until(() -> subscription.getMessageCount() == 0
                        && subscription.getDeliveringCount() == 0);
            }
        } finally {
            files().undeploy("batch-fan.camel.yaml");
        }
    }

    @Test
    void aPartBatchIsCommittedWithinTheTimeoutTogetherWithItsOutput() throws Exception {
        files().deploy("batch-timeout.camel.yaml",
                route("batch-timeout", "batch.timeout.in", "batch.timeout.out", 1_000, 200, ""));
        try (Jms client = connect("app")) {
            for (String body : List.of("x", "y", "z")) {
                client.sendText("batch.timeout.in", body);
            }
            // Far fewer than the batch count: the timeout commits them, outputs and acknowledgements together.
            assertThat(client.receive("batch.timeout.out", 3, 10_000)).extracting(Jms::text)
                    .containsExactlyInAnyOrder("x", "y", "z");
            var input = embeddedBroker.server().locateQueue(SimpleString.of("batch.timeout.in"));
            await().atMost(Duration.ofSeconds(5)).until(() -> input.getMessageCount() == 0
                    && input.getDeliveringCount() == 0);
        } finally {
            files().undeploy("batch-timeout.camel.yaml");
        }
    }

    @Test
    void aPoisonMessageIsDeadLetteredAloneAndItsBatchNeighboursArriveOnce() throws Exception {
        String poison = """
                        - filter:
                            simple: "${body} == 'poison'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: "cannot digest"
                """;
        files().deploy("batch-poison.camel.yaml",
                route("batch-poison", "batch.poison.in", "batch.poison.out", 20, 2_000, poison));
        try (Jms client = connect("operator")) {
            try (var connection = Jms.core(port, "app", "app").createConnection();
                    Session tx = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageProducer producer = tx.createProducer(tx.createQueue("batch.poison.in"))) {
                for (int i = 0; i < 30; i++) {
                    producer.send(tx.createTextMessage(i == 7 ? "poison" : "good-" + i));
                }
                tx.commit();
            }
            Message dead = nextDeadLetter(client, "batch.poison.in", Duration.ofSeconds(30));
            assertThat(Jms.text(dead)).isEqualTo("poison");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo("batch-poison");
            Set<String> good = new HashSet<>();
            for (Message message : client.receive("batch.poison.out", 29, 10_000)) {
                assertThat(good.add(Jms.text(message))).as("once: " + Jms.text(message)).isTrue();
            }
            assertThat(good).hasSize(29).doesNotContain("poison");
            assertThat(client.receive("batch.poison.out", 300)).isNull();
            assertThat(client.receive("DLA::DLQ.batch.poison.in", 300)).as("only the poison message").isNull();
        } finally {
            files().undeploy("batch-poison.camel.yaml");
        }
    }

    @Test
    void badBatchOptionsFailTheRouteFileWithTheReason() {
        var since = java.time.Instant.now();
        files().write("batch-bad.camel.yaml", route("batch-bad", "batch.bad.in", "batch.bad.out", 50, 100, "")
                .replace("transactionBatchCount: 50", "transactionBatchCount: lots"));
        try {
            RouteFileStatus status = files().awaitStatus("batch-bad.camel.yaml", since);
            assertThat(status.error()).contains("transactionBatchCount must be a positive whole number");
        } finally {
            files().delete("batch-bad.camel.yaml");
        }
    }
}
