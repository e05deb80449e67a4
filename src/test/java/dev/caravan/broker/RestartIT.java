package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import dev.caravan.database.DatabaseWiring;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;

/**
 * Caravan as a separate process: messages survive a restart on the same data directory, and a graceful stop lets the
 * exchange in flight finish while the broker is still up.
 */
class RestartIT {

    private static final Duration START = Duration.ofSeconds(60);

    @Test
    void messagesSurviveARestartOnTheSameDataDirectory() throws Exception {
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("restart-");

        List<String> sent = IntStream.range(0, 100).mapToObj(i -> "persistent-" + i).toList();
        try (CaravanProcess caravan = layout.start()) {
            caravan.awaitReady(START);
            try (Jms client = Jms.connect(layout.brokerPort(), "app", "app")) {
                for (String body : sent) {
                    client.sendText("restart.kept", body);
                }
            }
            assertThat(caravan.stop(Duration.ofSeconds(60))).as("clean exit after SIGTERM").isIn(0, 143);
            assertBrokerWaitedForNoOneAtStop(caravan.output());
        }
        try (CaravanProcess caravan = layout.start()) {
            caravan.awaitReady(START);
            try (Jms client = Jms.connect(layout.brokerPort(), "app", "app")) {
                assertThat(client.receive("restart.kept", sent.size(), 10_000)).map(Jms::text)
                        .containsExactlyElementsOf(sent);
                assertThat(client.receive("restart.kept", 200)).isNull();
            }
            caravan.stop(Duration.ofSeconds(60));
        }
    }

    @Test
    void gracefulStopFinishesTheExchangeInFlightBeforeTheBrokerStops() throws Exception {
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("graceful-");
        Path emptyRoutes = layout.directory("no-routes");
        // A slow step: the exchange is in flight for 3 s. The wire tap tells the test (outside the transaction)
        // that processing has begun.
        Files.writeString(layout.routes().resolve("slow.camel.yaml"), """
                - route:
                    id: slow-worker
                    from:
                      uri: "jms:queue:slow.in"
                      steps:
                        - wireTap:
                            uri: "jms:queue:slow.started"
                        - delay:
                            constant: 3000
                        - setBody:
                            simple: "done:${body}"
                        - to: "jms:queue:slow.out"
                """);
        stopWhileProcessing(layout, "slow.in", "job-1", "slow.started");
        // Restart without the route: whatever is on the queues now is what the graceful stop left behind.
        try (CaravanProcess caravan = layout.start(emptyRoutes)) {
            caravan.awaitReady(START);
            try (Jms client = Jms.connect(layout.brokerPort(), "app", "app")) {
                var out = client.receive("slow.out", 5_000);
                assertThat(out).as("the in-flight exchange completed").isNotNull();
                assertThat(Jms.text(out)).isEqualTo("done:job-1");
                assertThat(client.receive("slow.in", 500)).as("and its input was consumed, once").isNull();
            }
            caravan.stop(Duration.ofSeconds(60));
        }
    }

    /**
     * The embedded database stays open until Caravan has finished with it: H2 closes a database at JVM exit on its
     * own unless told not to, which cut the write of an exchange still in flight during the graceful stop ("Database
     * is already closed"; the message was rolled back and redelivered on the next start).
     */
    @Test
    void gracefulStopFinishesADatabaseWriteInFlight() throws Exception {
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("graceful-sql-");
        Files.writeString(layout.routes().resolve("slow-audit.camel.yaml"), """
                - route:
                    id: slow-audit
                    from:
                      uri: "jms:queue:slow.audit"
                      steps:
                        - convertBodyTo:
                            type: java.lang.String
                        - wireTap:
                            uri: "jms:queue:slow.audit.started"
                        - delay:
                            constant: 3000
                        - to: "sql:INSERT INTO order_audit (message_id, payload) VALUES ('graceful-1', :#${body})"
                """);
        assertThat(stopWhileProcessing(layout, "slow.audit", "written while stopping", "slow.audit.started"))
                .doesNotContain("Database is already closed");
        String url = DatabaseWiring.embeddedUrl(layout.data().resolve("database"));
        try (var connection = DriverManager.getConnection(url);
                var rows = connection.createStatement()
                        .executeQuery("SELECT payload FROM order_audit WHERE message_id = 'graceful-1'")) {
            assertThat(rows.next()).as("the row written by the exchange in flight").isTrue();
            assertThat(rows.getString(1)).isEqualTo("written while stopping");
        }
    }

    /**
     * Starts Caravan on the layout, sends {@code body} to {@code queue}, waits until the route's wire tap reports on
     * {@code started} that processing has begun, then stops Caravan gracefully (SIGTERM) while the exchange is in
     * flight. Returns the process's output.
     */
    private static String stopWhileProcessing(CaravanProcess.Layout layout, String queue, String body, String started)
            throws Exception {
        try (CaravanProcess caravan = layout.start()) {
            caravan.awaitReady(START);
            try (Jms client = Jms.connect(layout.brokerPort(), "app", "app")) {
                client.sendText(queue, body);
                assertThat(client.receive(started, 20_000)).as("processing began").isNotNull();
            }
            assertThat(caravan.stop(Duration.ofSeconds(60))).as("clean exit after SIGTERM").isIn(0, 143);
            assertBrokerWaitedForNoOneAtStop(caravan.output());
            return caravan.output();
        }
    }

    /**
     * With every client gone, the broker's graceful shutdown has no one to wait for. One of Caravan's own connections
     * open at that point (the dead-letter queries' core session was one, when CDI happened to destroy the broker
     * before it) held every stop up for the broker's whole graceful-shutdown timeout, 10 s.
     */
    private static void assertBrokerWaitedForNoOneAtStop(String output) {
        assertThat(output).contains("Embedded broker stopped")
                .as("no connection left open when the broker stops").doesNotContain("client connection(s) to close");
    }
}
