package dev.caravan.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** The operators' CLI against the running Caravan: output, progress, confirmation and exit codes scripts rely on. */
@QuarkusTest
class CaravanCliTest extends CaravanTestSupport {

    @TestHTTPResource("/")
    URL base;

    private String out;
    private String err;

    private int cli(String stdin, String... args) {
        return cli(Map.of(), stdin, args);
    }

    private int cli(Map<String, String> extraEnv, String stdin, String... args) {
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(Map.of("CARAVAN_URL", base.toString(), "CARAVAN_USER", "operator",
                "CARAVAN_PASSWORD", "operator"));
        env.putAll(extraEnv);
        int code = new CaravanCli(new PrintStream(stdout, true, StandardCharsets.UTF_8),
                new PrintStream(stderr, true, StandardCharsets.UTF_8), env,
                new BufferedReader(new StringReader(stdin))).run(args);
        out = stdout.toString(StandardCharsets.UTF_8);
        err = stderr.toString(StandardCharsets.UTF_8);
        return code;
    }

    @Test
    void listShowReplayWithProgressAndPurgeWithConfirmation() throws Exception {
        String route = """
                - route:
                    id: cli-orders
                    from:
                      uri: "jms:queue:cli.orders"
                      steps:
                        - filter:
                            simple: "${body} contains 'bad'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: "stock service down"
                        - to: "jms:queue:cli.orders.done"
                """;
        files().deploy("cli-orders.camel.yaml", route);
        try (Jms client = connect("operator")) {
            for (int i = 0; i < 12; i++) {
                client.sendText("cli.orders", "bad-" + i);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> depth("DLQ.cli.orders") == 12);

            assertThat(cli("", "dlq", "list")).isZero();
            assertThat(out).containsPattern("DLQ\\.cli\\.orders\\s+cli\\.orders\\s+12");
            assertThat(cli("", "dlq", "show", "DLQ.cli.orders", "--limit", "3")).isZero();
            assertThat(out.lines().filter(l -> l.startsWith("ID:")).count()).isEqualTo(3);
            assertThat(out).contains("cli-orders").contains("stock service down");
            String id = out.lines().filter(l -> l.startsWith("ID:")).findFirst().orElseThrow().split(" ")[0];
            assertThat(cli("", "dlq", "show", "DLQ.cli.orders", id, "--json")).isZero();
            assertThat(out).contains("\"id\" : \"" + id + "\"");
            assertThat(cli("", "dlq", "groups", "DLQ.cli.orders")).isZero();
            assertThat(out).contains("stock service down");

            // Fixed; replay everything in batches of 5, with the progress on stderr.
            files().deploy("cli-orders.camel.yaml", route.replace("contains 'bad'", "contains 'never'"));
            assertThat(cli("", "dlq", "replay", "DLQ.cli.orders", "--all", "--batch", "5")).isZero();
            assertThat(out).contains("replayed 12");
            assertThat(err).contains("12/12").contains("[" + "#".repeat(30) + "]");
            Set<String> bodies = new HashSet<>();
            for (Message message : client.receive("cli.orders.done", 12, 10_000)) {
                bodies.add(Jms.text(message));
            }
            assertThat(bodies).hasSize(12);

            // Purge asks first: a wrong answer deletes nothing.
            files().deploy("cli-orders.camel.yaml", route);
            client.sendText("cli.orders", "bad-again");
            await().atMost(Duration.ofSeconds(30)).until(() -> depth("DLQ.cli.orders") == 1);
            assertThat(cli("nope\n", "dlq", "purge", "DLQ.cli.orders")).isEqualTo(CaravanCli.USAGE_ERROR);
            assertThat(depth("DLQ.cli.orders")).isEqualTo(1);
            assertThat(cli("DLQ.cli.orders\n", "dlq", "purge", "DLQ.cli.orders")).isZero();
            assertThat(out).contains("purged 1");
            assertThat(depth("DLQ.cli.orders")).isZero();
        } finally {
            files().undeploy("cli-orders.camel.yaml");
        }
    }

    @Test
    void exitCodesScriptsCanTrust() {
        assertThat(cli("", "dlq", "show", "DLQ.no.such.queue")).isEqualTo(CaravanCli.NOT_FOUND);
        assertThat(err).contains("404").contains("DLQ.no.such.queue");
        assertThat(cli("", "dlq", "show", "orders")).isEqualTo(CaravanCli.USAGE_ERROR);
        assertThat(cli("", "dlq", "replay", "DLQ.x")).isEqualTo(CaravanCli.USAGE_ERROR);
        assertThat(err).contains("exactly one of");
        assertThat(cli("", "dlq", "frobnicate")).isEqualTo(CaravanCli.USAGE_ERROR);
        assertThat(cli("", "nothing")).isEqualTo(CaravanCli.USAGE_ERROR);
        assertThat(cli(Map.of("CARAVAN_USER", "app", "CARAVAN_PASSWORD", "app"), "", "dlq", "list"))
                .isEqualTo(CaravanCli.DENIED);
        assertThat(cli(Map.of("CARAVAN_PASSWORD", "wrong"), "", "dlq", "list")).isEqualTo(CaravanCli.DENIED);
        assertThat(cli(Map.of("CARAVAN_URL", "http://127.0.0.1:1"), "", "dlq", "list"))
                .isEqualTo(CaravanCli.UNREACHABLE);
        assertThat(cli("", "dlq", "list", "--json")).isZero();
        assertThat(out.trim()).startsWith("[");
    }

}
