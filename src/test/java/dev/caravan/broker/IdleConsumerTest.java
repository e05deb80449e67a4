package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import jakarta.jms.Session;

import org.apache.activemq.artemis.core.server.ServerConsumer;
import org.apache.activemq.artemis.core.server.ServerSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * An idle transacted route does not commit empty transactions at the broker every receive timeout
 * ({@link CaravanJmsConfiguration}), and still commits each message it does receive.
 * <p>
 * Observed at the broker: a session's current transaction is replaced by a new one (a new id) at every commit, empty
 * or not, so unchanged ids over several receive timeouts mean no commits.
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdleConsumerTest extends CaravanTestSupport {

    private static final String FILE = "idle-consumer.camel.yaml";
    private static final String QUEUE = "idle.in";
    /** Several of the consumers' 250 ms receive timeouts. */
    private static final Duration IDLE = Duration.ofMillis(1_200);

    @BeforeAll
    void deploy() {
        files().deploy(FILE, """
                - route:
                    id: idle-consumer
                    from:
                      uri: "jms:queue:%s"
                      parameters:
                        concurrentConsumers: 2
                      steps:
                        - to: "jms:queue:idle.out"
                """.formatted(QUEUE));
        await().atMost(Duration.ofSeconds(10)).until(() -> transactions().size() == 2);
    }

    @AfterAll
    void undeploy() {
        files().undeploy(FILE);
    }

    @Test
    void anIdleRouteCommitsNothingAndAReceivedMessageIsCommitted() throws Exception {
        Map<String, Long> before = transactions();

        // No commit during several receive timeouts (Spring's container would have committed 4 times a second each).
        await().during(IDLE).atMost(IDLE.plusSeconds(2)).until(() -> transactions().equals(before));

        try (Jms client = connect("app")) {
            Session session = client.session();
            session.createProducer(session.createQueue(QUEUE)).send(session.createTextMessage("one"));
            awaitDepth("idle.out", 1);
        }
        // The message's receive and send were committed: one of the two sessions has a new transaction.
        await().atMost(Duration.ofSeconds(5)).until(() -> !transactions().equals(before));
        Map<String, Long> after = transactions();
        assertThat(after.keySet()).isEqualTo(before.keySet());
        assertThat(after.entrySet().stream().filter(e -> !e.getValue().equals(before.get(e.getKey())))).hasSize(1);
    }

    /** The current transaction id of each broker session consuming from {@link #QUEUE}, by session name. */
    private Map<String, Long> transactions() {
        Map<String, Long> ids = new TreeMap<>();
        for (ServerSession session : embeddedBroker.server().getSessions()) {
            for (ServerConsumer consumer : session.getServerConsumers()) {
                if (consumer.getQueue().getName().toString().equals(QUEUE) && session.getCurrentTransaction() != null) {
                    ids.put(session.getName(), session.getCurrentTransaction().getID());
                }
            }
        }
        return ids;
    }
}
