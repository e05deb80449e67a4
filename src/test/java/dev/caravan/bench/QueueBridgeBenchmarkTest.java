package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.RouteFiles;

/**
 * Runs {@link QueueBridgeBenchmark}. In the test suite it runs tiny (so the benchmark cannot rot) and asserts only
 * that both bridges moved every message; {@code mvn verify -Pbench} runs it full size and prints the figures. No timing
 * is asserted here: the ratio target is read off the benchmark's output.
 */
@QuarkusTest
class QueueBridgeBenchmarkTest extends CaravanTestSupport {

    private static final Logger LOG = Logger.getLogger(QueueBridgeBenchmarkTest.class);

    @Inject
    @Named("caravanDirectConnectionFactory")
    ActiveMQConnectionFactory factory;

    @Test
    void queueToQueueBridge() throws Exception {
        int messages = Integer.getInteger("caravan.bench.messages", 300);
        int rounds = Integer.getInteger("caravan.bench.rounds", 1);
        int consumers = Integer.getInteger("caravan.bench.consumers", 8);
        // Variant: the Caravan route adds a header, so it sends a new message instead of forwarding the received one.
        boolean setsHeader = Boolean.getBoolean("caravan.bench.set-header");
        var result = new QueueBridgeBenchmark(embeddedBroker.server(), camel, new RouteFiles(loader), factory,
                consumers,
                setsHeader)
                .run(messages, rounds);
        String table = result.table();
        LOG.info("\n" + table);
        System.out.println(table);
        QueueBridgeBenchmark.write(Path.of("target", "bench", "queue-bridge.json"), result.json());
        QueueBridgeBenchmark.write(Path.of("target", "bench", "queue-bridge.txt"), table);
        assertThat(result.plainRates()).hasSize(rounds).allSatisfy(r -> assertThat(r).isPositive());
        assertThat(result.caravanRates()).hasSize(rounds).allSatisfy(r -> assertThat(r).isPositive());
    }
}
