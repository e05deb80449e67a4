package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;

/**
 * Batched acknowledgement under a crash: messages a route has processed but whose batch is not committed yet are
 * neither acknowledged nor is their output visible; after SIGKILL and a restart they are all back on the input queue.
 */
class BatchCommitCrashIT {

    @Test
    void aCrashRedeliversTheOpenBatchAndItsOutputNeverAppears() throws Exception {
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("batch-");
        Path noRoutes = layout.directory("no-routes");
        // A batch far larger than what is sent and a long timeout: nothing is committed before the kill. The wire tap
        // (its own thread, outside the transaction) tells the test each message has been processed.
        Files.writeString(layout.routes().resolve("batch.camel.yaml"), """
                - route:
                    id: batch-crash
                    from:
                      uri: "jms:queue:batch.crash.in"
                      parameters:
                        transactionBatchCount: 1000
                        transactionBatchTimeout: 600000
                      steps:
                        - wireTap:
                            uri: "jms:queue:batch.crash.seen"
                        - to: "jms:queue:batch.crash.out"
                """);
        List<String> sent = List.of("a", "b", "c", "d", "e", "f", "g", "h", "i", "j");
        try (CaravanProcess caravan = layout.start()) {
            caravan.awaitReady(Duration.ofSeconds(60));
            try (Jms client = Jms.connect(layout.brokerPort(), "app", "app")) {
                for (String body : sent) {
                    client.sendText("batch.crash.in", body);
                }
                assertThat(client.receive("batch.crash.seen", sent.size(), 20_000)).hasSize(sent.size());
                assertThat(client.receive("batch.crash.out", 300)).as("output waits for the commit").isNull();
            }
            caravan.kill();
        }
        try (CaravanProcess caravan = layout.start(noRoutes)) {
            caravan.awaitReady(Duration.ofSeconds(60));
            try (Jms client = Jms.connect(layout.brokerPort(), "app", "app")) {
                assertThat(client.receive("batch.crash.out", 500)).as("no output of the open batch").isNull();
                assertThat(client.receive("batch.crash.in", sent.size(), 10_000)).extracting(Jms::text)
                        .containsExactlyInAnyOrderElementsOf(sent);
            }
            caravan.stop(Duration.ofSeconds(60));
        }
    }
}
