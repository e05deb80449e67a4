package dev.caravan.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;

import org.apache.camel.ServiceStatus;
import org.apache.camel.model.ModelCamelContext;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Route files are picked up, replaced and removed while Caravan runs, and a broken file never takes running routes
 * down with it.
 */
@QuarkusTest
class RouteReloadTest extends CaravanTestSupport {

    private static final Logger LOG = Logger.getLogger(RouteReloadTest.class);

    @AfterEach
    void cleanUp() {
        for (String name : new String[]{"reload-a.camel.yaml", "reload-b.camel.yaml", "reload-broken.camel.yaml",
                "reload-unstartable.camel.yaml", "reload-duplicate.camel.yaml", "reload-conditional.camel.yaml",
                "reload-configured.camel.yaml"}) {
            if (files().status(name).isPresent()) {
                files().undeploy(name);
            }
        }
    }

    static String prefixRoute(String id, String in, String out, String prefix) {
        return """
                # test route: prefixes the body
                - route:
                    id: %s
                    from:
                      uri: "jms:queue:%s"
                      steps:
                        - setBody:
                            simple: "%s:${body}"
                        - to:
                            uri: "jms:queue:%s"
                """.formatted(id, in, prefix, out);
    }

    private String roundTrip(Jms client, String in, String out, String body) throws Exception {
        client.sendText(in, body);
        var reply = client.receive(out, 10_000);
        assertThat(reply).as("reply on " + out).isNotNull();
        return Jms.text(reply);
    }

    @Test
    void routeConfigurationInAFileAppliesAndGoesWithTheFile() throws Exception {
        String file = "reload-configured.camel.yaml";
        String yaml = """
                - routeConfiguration:
                    id: reload-config
                    onException:
                      - onException:
                          exception:
                            - java.lang.IllegalArgumentException
                          handled:
                            constant: true
                          steps:
                            - setBody:
                                simple: "handled %s: ${exception.message}"
                            - to: "jms:queue:reload.configured.out"
                - route:
                    id: reload-configured
                    routeConfigurationId: reload-config
                    from:
                      uri: "jms:queue:reload.configured.in"
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalArgumentException
                            message: "bad input"
                """;
        assertThat(files().deploy(file, yaml.formatted("v1")).failed()).isFalse();
        try (Jms client = Jms.connect(port, "app", "app")) {
            assertThat(roundTrip(client, "reload.configured.in", "reload.configured.out", "x"))
                    .isEqualTo("handled v1: bad input");
            // Reloading the file replaces its route configuration instead of clashing with the old one.
            assertThat(files().deploy(file, yaml.formatted("v2")).failed()).isFalse();
            assertThat(roundTrip(client, "reload.configured.in", "reload.configured.out", "x"))
                    .isEqualTo("handled v2: bad input");
        }
        files().undeploy(file);
        assertThat(((ModelCamelContext) camel).getRouteConfigurationDefinition("reload-config"))
                .isNull();
    }

    @Test
    void routeWhosePreconditionIsFalseIsSkippedNotFailed() {
        RouteFileStatus status = files().deploy("reload-conditional.camel.yaml", """
                - route:
                    id: reload-conditional-off
                    precondition: "${properties:caravan.test.no-such-setting:none} != 'none'"
                    from:
                      uri: "jms:queue:reload.conditional.in"
                      steps:
                        - to: "jms:queue:reload.conditional.out"
                - route:
                    id: reload-conditional-on
                    from:
                      uri: "jms:queue:reload.conditional.in2"
                      steps:
                        - to: "jms:queue:reload.conditional.out"
                """);
        assertThat(status.failed()).isFalse();
        assertThat(status.routeIds()).containsExactly("reload-conditional-on");
        assertThat(status.skippedRouteIds()).containsExactly("reload-conditional-off");
        assertThat(camel.getRoute("reload-conditional-off")).isNull();
    }

    @Test
    void addedFileIsPickedUpAndEditingReplacesTheRoute() throws Exception {
        long started = System.nanoTime();
        files().write("reload-a.camel.yaml", prefixRoute("reload-a", "reload.a.in", "reload.a.out", "v1"));
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5))
                .until(() -> camel.getRouteController().getRouteStatus("reload-a") == ServiceStatus.Started);
        LOG.infof("route file write -> route started: %d ms", (System.nanoTime() - started) / 1_000_000);

        try (Jms client = Jms.connect(port, "app", "app")) {
            assertThat(roundTrip(client, "reload.a.in", "reload.a.out", "x")).isEqualTo("v1:x");

            long editStarted = System.nanoTime();
            Instant before = files().write("reload-a.camel.yaml",
                    prefixRoute("reload-a", "reload.a.in", "reload.a.out", "v2"));
            assertThat(files().awaitStatus("reload-a.camel.yaml", before).failed()).isFalse();
            LOG.infof("route file edited -> running route replaced: %d ms",
                    (System.nanoTime() - editStarted) / 1_000_000);
            assertThat(roundTrip(client, "reload.a.in", "reload.a.out", "y")).isEqualTo("v2:y");
            assertThat(camel.getRoutes()).filteredOn(r -> r.getRouteId().equals("reload-a")).hasSize(1);
        }
    }

    @Test
    void brokenFileIsReportedAndRunningRoutesKeepRunning() throws Exception {
        files().deploy("reload-a.camel.yaml", prefixRoute("reload-a", "reload.a.in", "reload.a.out", "good"));

        Instant before = files().write("reload-broken.camel.yaml", "- route:\n    id: [unclosed\n  from: {");
        RouteFileStatus broken = files().awaitStatus("reload-broken.camel.yaml", before);
        assertThat(broken.failed()).isTrue();
        assertThat(broken.error()).isNotBlank();

        // Health names the file; readiness is down while it is broken.
        given().when().get("/q/health/ready").then().statusCode(503)
                .body("checks.find { it.name == 'route-files' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'route-files' }.data.'reload-broken.camel.yaml'",
                        containsString("FAILED"));
        given().auth().preemptive().basic("operator", "operator").when().get("/api/routes/files").then()
                .statusCode(200).body("find { it.file == 'reload-broken.camel.yaml' }.state", equalTo("FAILED"));

        try (Jms client = Jms.connect(port, "app", "app")) {
            assertThat(roundTrip(client, "reload.a.in", "reload.a.out", "still")).isEqualTo("good:still");

            // A file that parses but cannot start (unknown component) is reported the same way.
            before = files().write("reload-unstartable.camel.yaml", """
                    - route:
                        id: reload-unstartable
                        from:
                          uri: "nosuchcomponent:anything"
                          steps:
                            - to: "jms:queue:nowhere"
                    """);
            RouteFileStatus unstartable = files().awaitStatus("reload-unstartable.camel.yaml", before);
            assertThat(unstartable.failed()).isTrue();
            assertThat(unstartable.error()).contains("nosuchcomponent");
            assertThat(camel.getRoute("reload-unstartable")).isNull();

            // Breaking a running file keeps its last good version running.
            before = files().write("reload-a.camel.yaml", "- route:\n    id: reload-a\n    from: {uri: [");
            assertThat(files().awaitStatus("reload-a.camel.yaml", before).failed()).isTrue();
            assertThat(roundTrip(client, "reload.a.in", "reload.a.out", "kept")).isEqualTo("good:kept");
        }

        // Fixing the files brings readiness back.
        files().undeploy("reload-broken.camel.yaml");
        files().undeploy("reload-unstartable.camel.yaml");
        files().deploy("reload-a.camel.yaml", prefixRoute("reload-a", "reload.a.in", "reload.a.out", "fixed"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void duplicateRouteIdInAnotherFileIsRefused() {
        files().deploy("reload-a.camel.yaml", prefixRoute("reload-a", "reload.a.in", "reload.a.out", "first"));
        Instant before = files().write("reload-duplicate.camel.yaml",
                prefixRoute("reload-a", "reload.dup.in", "reload.dup.out", "second"));
        RouteFileStatus duplicate = files().awaitStatus("reload-duplicate.camel.yaml", before);
        assertThat(duplicate.failed()).isTrue();
        assertThat(duplicate.error()).contains("reload-a").contains("reload-a.camel.yaml");
        assertThat(camel.getRoute("reload-a").getEndpoint().getEndpointUri()).contains("reload.a.in");
    }

    @Test
    void routeWithoutIdIsRefused() {
        Instant before = files().write("reload-b.camel.yaml", """
                - from:
                    uri: "jms:queue:reload.b.in"
                    steps:
                      - to: "jms:queue:reload.b.out"
                """);
        RouteFileStatus status = files().awaitStatus("reload-b.camel.yaml", before);
        assertThat(status.failed()).isTrue();
        assertThat(status.error()).contains("no id");
    }

    @Test
    void removingTheFileStopsTheRoute() throws Exception {
        files().deploy("reload-b.camel.yaml", prefixRoute("reload-b", "reload.b.in", "reload.b.out", "b"));
        try (Jms client = Jms.connect(port, "app", "app")) {
            assertThat(roundTrip(client, "reload.b.in", "reload.b.out", "1")).isEqualTo("b:1");
            files().undeploy("reload-b.camel.yaml");
            assertThat(camel.getRoute("reload-b")).isNull();
            client.sendText("reload.b.in", "2");
            assertThat(client.receive("reload.b.out", 1_000)).as("nothing routes any more").isNull();
            // The message waits on its queue for whoever consumes it next.
            assertThat(Jms.text(client.receive("reload.b.in", 5_000))).isEqualTo("2");
        }
    }

    /**
     * Kubernetes mounts a ConfigMap as links into a {@code ..data} directory link that it swaps atomically on update:
     * the route file's own name never changes, only what it points to.
     */
    @Test
    void configMapStyleSymlinkSwapIsPickedUp() throws Exception {
        Path dir = files().dir();
        Path v1 = Files.createDirectories(dir.resolve("..cm-v1"));
        Files.writeString(v1.resolve("reload-cm.camel.yaml"),
                prefixRoute("reload-cm", "reload.cm.in", "reload.cm.out", "cm1"));
        Files.createSymbolicLink(dir.resolve("..data"), Path.of("..cm-v1"));
        Path link = dir.resolve("reload-cm.camel.yaml");
        try {
            Instant before = Instant.now();
            Files.createSymbolicLink(link, Path.of("..data", "reload-cm.camel.yaml"));
            assertThat(files().awaitStatus("reload-cm.camel.yaml", before).failed()).isFalse();
            try (Jms client = connect("app")) {
                assertThat(roundTrip(client, "reload.cm.in", "reload.cm.out", "x")).isEqualTo("cm1:x");

                // The update: a new version directory, then ..data re-pointed by an atomic rename.
                Path v2 = Files.createDirectories(dir.resolve("..cm-v2"));
                Files.writeString(v2.resolve("reload-cm.camel.yaml"),
                        prefixRoute("reload-cm", "reload.cm.in", "reload.cm.out", "cm2"));
                Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), Path.of("..cm-v2"));
                before = Instant.now();
                Files.move(tmpLink, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
                assertThat(files().awaitStatus("reload-cm.camel.yaml", before).failed()).isFalse();
                assertThat(roundTrip(client, "reload.cm.in", "reload.cm.out", "y")).isEqualTo("cm2:y");
            }
        } finally {
            Files.deleteIfExists(link);
            await().atMost(Duration.ofSeconds(20)).until(() -> files().status("reload-cm.camel.yaml").isEmpty());
            Files.deleteIfExists(dir.resolve("..data"));
            for (String version : new String[]{"..cm-v1", "..cm-v2"}) {
                Files.deleteIfExists(dir.resolve(version).resolve("reload-cm.camel.yaml"));
                Files.deleteIfExists(dir.resolve(version));
            }
        }
    }
}
