package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.jms.Connection;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterReplayer;
import dev.caravan.testing.CaravanTestSupport;

/**
 * Dead-letter replay rate: N persistent 1 KiB dead letters back to their original queue, (a) by the broker's own
 * retry (Artemis {@code QueueControl.retryMessages}, what the console's "retry" runs, server-side) and (b) by
 * Caravan's replay (client-side, in transactions of {@code caravan.dlq.batch-size}, failure fields removed, replay
 * count and duplicate id added). Rounds alternate AB/BA. Tiny in the test suite; {@code mvn verify -Pbench} runs 10,000
 * per round. No timing is asserted.
 */
@QuarkusTest
class DeadLetterReplayBenchmarkTest extends CaravanTestSupport {

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayBenchmarkTest.class);
    private static final String QUEUE = "bench.replay";
    private static final String DLQ = "DLQ." + QUEUE;

    @Inject
    @Named("caravanDirectConnectionFactory")
    ActiveMQConnectionFactory factory;

    @Inject
    DeadLetterReplayer replayer;

    @Test
    void replayRate() throws Exception {
        int messages = Integer.getInteger("caravan.bench.replay.messages", 300);
        int rounds = Math.max(1, Integer.getInteger("caravan.bench.rounds", 1) / 2);
        List<Double> broker = new ArrayList<>();
        List<Double> caravan = new ArrayList<>();
        round(messages, false); // warm-up of both
        round(messages, true);
        for (int i = 0; i < rounds; i++) {
            boolean caravanFirst = i % 2 == 1;
            (caravanFirst ? caravan : broker).add(round(messages, caravanFirst));
            (caravanFirst ? broker : caravan).add(round(messages, !caravanFirst));
        }
        String table = String.format(Locale.ROOT, """
                Dead-letter replay, persistent 1 KiB, %d dead letters back to their queue, %d rounds
                scenario                                median msg/s          min          max
                (a) broker retry (QueueControl)      %12.0f %12.0f %12.0f
                (b) Caravan replay (REST/CLI/MBean)  %12.0f %12.0f %12.0f
                ratio (b)/(a) of medians = %.2f
                """, messages, rounds, QueueBridgeBenchmark.median(broker), min(broker), max(broker),
                QueueBridgeBenchmark.median(caravan), min(caravan), max(caravan),
                QueueBridgeBenchmark.median(caravan) / QueueBridgeBenchmark.median(broker));
        LOG.info("\n" + table);
        System.out.println(table);
        QueueBridgeBenchmark.write(Path.of("target", "bench", "dlq-replay.txt"), table);
        QueueBridgeBenchmark.write(Path.of("target", "bench", "dlq-replay.json"), String.format(Locale.ROOT,
                "{\"messages\": %d, \"brokerRetry\": %s, \"caravanReplay\": %s}%n", messages, broker, caravan));
        assertThat(broker).allSatisfy(rate -> assertThat(rate).isPositive());
        assertThat(caravan).allSatisfy(rate -> assertThat(rate).isPositive());
    }

    /** Fills the DLQ, times one replay of all of it, drains the queue; returns messages per second. */
    private double round(int messages, boolean byCaravan) throws Exception {
        fillDeadLetters(messages);
        long started = System.nanoTime();
        if (byCaravan) {
            var result = replayer.replay(DLQ, new DeadLetterReplayer.Request(null, true, null, null, null, null,
                    null, null, null));
            assertThat(result.replayed()).isEqualTo(messages);
        } else {
            QueueControl control = (QueueControl) embeddedBroker.server().getManagementService()
                    .getResource(ResourceNames.QUEUE + DLQ);
            assertThat(control.retryMessages()).isEqualTo(messages);
        }
        Queue target = embeddedBroker.server().locateQueue(SimpleString.of(QUEUE));
        await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(5))
                .until(() -> target.getMessageCount() == messages);
        double rate = messages / ((System.nanoTime() - started) / 1e9);
        target.deleteAllReferences();
        return rate;
    }

    private void fillDeadLetters(int messages) throws Exception {
        byte[] body = new byte[1024];
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue(QUEUE))) {
            for (int i = 0; i < messages; i++) {
                var message = session.createBytesMessage();
                message.writeBytes(body);
                message.setIntProperty("seq", i);
                producer.send(message);
                if (i % 500 == 499) {
                    session.commit();
                }
            }
            session.commit();
        }
        Queue queue = embeddedBroker.server().locateQueue(SimpleString.of(QUEUE));
        await().atMost(Duration.ofMinutes(1)).until(() -> queue.getMessageCount() == messages);
        queue.sendMessagesToDeadLetterAddress(null);
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            Queue dlq = embeddedBroker.server().locateQueue(SimpleString.of(DLQ));
            return dlq != null && dlq.getMessageCount() == messages && queue.getMessageCount() == 0;
        });
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
