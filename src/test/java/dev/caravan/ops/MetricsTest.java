package dev.caravan.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.jms.MessageConsumer;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterMetrics;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.RouteFiles;

/**
 * What {@code /q/metrics} shows operators, read the way Prometheus reads it: per route (exchanges, failures, in
 * flight, processing time), per queue (depth, added, acknowledged, consumers), per DLQ, and HTTP requests by status
 * under the gateway's path templates. Counters are compared before and after, since other tests share the boot.
 */
@QuarkusTest
class MetricsTest extends CaravanTestSupport {

    private static final String FAILING = """
            - route:
                id: metrics-failing
                from:
                  uri: jms:queue:metrics.failing.in
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "always fails"
            """;
    private static final String SLOW = """
            - route:
                id: metrics-slow
                from:
                  uri: jms:queue:metrics.slow.in
                  steps:
                    - delay:
                        constant: 4000
            """;
    private static final Map<String, String> RELAY_ROUTE = Map.of("routeId", "metrics-relay", "eventType", "route");
    private static final Map<String, String> FAILING_ROUTE = Map.of("routeId", "metrics-failing", "eventType",
            "route");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    DeadLetterMetrics deadLetterMetrics;

    @ConfigProperty(name = "caravan.broker.redelivery.max-attempts")
    int maxAttempts;

    @Test
    void routeCountersCountEveryExchangeAndItsProcessingTime() throws Exception {
        files().deploy("metrics-relay.camel.yaml",
                RouteFiles.relay("metrics-relay", "metrics.relay.in", "metrics.relay.out"));
        try (Jms client = connect("app")) {
            Scrape before = Scrape.now();
            int n = 7;
            for (int i = 0; i < n; i++) {
                client.sendText("metrics.relay.in", "m-" + i);
            }
            client.receive("metrics.relay.out", n, 10_000);
            await("route counters").atMost(WAIT).untilAsserted(() -> {
                Scrape after = Scrape.now();
                assertThat(delta(before, after, "camel_exchanges_total", RELAY_ROUTE)).isEqualTo(n);
                assertThat(delta(before, after, "camel_exchanges_succeeded_total", RELAY_ROUTE)).isEqualTo(n);
                assertThat(delta(before, after, "camel_route_policy_seconds_count", RELAY_ROUTE)).isEqualTo(n);
            });
            Scrape after = Scrape.now();
            assertThat(delta(before, after, "camel_exchanges_failed_total", RELAY_ROUTE)).isZero();
            assertThat(after.sum("camel_route_policy_seconds_sum", RELAY_ROUTE)).isPositive();
            assertThat(after.matching("camel_exchanges_inflight", Map.of("routeId", "metrics-relay")))
                    .singleElement().extracting(Scrape.Sample::value).isEqualTo(0.0);
            // The whole context is counted too (routeId=""), at least as much as this route.
            assertThat(delta(before, after, "camel_exchanges_total", Map.of("eventType", "context")))
                    .isGreaterThanOrEqualTo(n);
        } finally {
            files().undeploy("metrics-relay.camel.yaml");
        }
    }

    @Test
    void inFlightShowsExchangesBeingProcessed() throws Exception {
        files().deploy("metrics-slow.camel.yaml", SLOW);
        Map<String, String> slow = Map.of("routeId", "metrics-slow");
        try (Jms client = connect("app")) {
            client.sendText("metrics.slow.in", "slow");
            await("one in flight").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Scrape.now().sum("camel_exchanges_inflight", slow) == 1.0);
            await("none in flight").atMost(WAIT).until(() -> Scrape.now().sum("camel_exchanges_inflight", slow) == 0.0);
            awaitDepth("metrics.slow.in", 0);
        } finally {
            files().undeploy("metrics-slow.camel.yaml");
        }
    }

    @Test
    void aFailingRouteShowsItsFailuresAndItsDeadLetters() throws Exception {
        files().deploy("metrics-failing.camel.yaml", FAILING);
        try (Jms client = connect("app")) {
            Scrape before = Scrape.now();
            client.sendText("metrics.failing.in", "doomed");
            awaitDepth("DLQ.metrics.failing.in", 1);
            // Every delivery the broker made failed: one failed exchange per attempt.
            await("failure counters").atMost(WAIT).untilAsserted(() -> {
                Scrape after = Scrape.now();
                assertThat(delta(before, after, "camel_exchanges_failed_total", FAILING_ROUTE))
                        .isEqualTo(maxAttempts);
                assertThat(delta(before, after, "camel_exchanges_total", FAILING_ROUTE)).isEqualTo(maxAttempts);
                assertThat(delta(before, after, "camel_exchanges_succeeded_total", FAILING_ROUTE)).isZero();
            });
            deadLetterMetrics.refresh();
            Scrape after = Scrape.now();
            Map<String, String> dlq = Map.of("dlq", "DLQ.metrics.failing.in");
            assertThat(after.sum("caravan_dlq_depth", dlq)).isEqualTo(1.0);
            assertThat(after.matching("caravan_dlq_oldest_age_seconds", dlq)).singleElement()
                    .extracting(Scrape.Sample::value).satisfies(age -> assertThat(age).isBetween(0.0, 60.0));
            // The broker's view of the same DLQ.
            assertThat(after.sum("artemis_message_count", Map.of("queue", "DLQ.metrics.failing.in"))).isEqualTo(1.0);
        } finally {
            files().undeploy("metrics-failing.camel.yaml");
        }
    }

    @Test
    void queuesShowDepthAddedAcknowledgedAndConsumers() throws Exception {
        String queue = "metrics.parked";
        Map<String, String> tags = Map.of("queue", queue, "address", queue);
        try (Jms client = connect("app")) {
            Scrape before = Scrape.now();
            for (int i = 0; i < 3; i++) {
                client.sendText(queue, "p-" + i);
            }
            await("depth and added").atMost(WAIT).untilAsserted(() -> {
                Scrape now = Scrape.now();
                assertThat(now.sum("artemis_message_count", tags)).isEqualTo(3.0);
                assertThat(delta(before, now, "artemis_messages_added", tags)).isEqualTo(3.0);
                assertThat(now.sum("artemis_consumer_count", tags)).isZero();
            });
            try (MessageConsumer consumer = client.session().createConsumer(client.session().createQueue(queue))) {
                await("one consumer").atMost(WAIT)
                        .until(() -> Scrape.now().sum("artemis_consumer_count", tags) == 1.0);
                for (int i = 0; i < 2; i++) {
                    assertThat(consumer.receive(10_000)).isNotNull();
                }
                await("acknowledged").atMost(WAIT).untilAsserted(() -> {
                    Scrape now = Scrape.now();
                    assertThat(delta(before, now, "artemis_messages_acknowledged", tags)).isEqualTo(2.0);
                    assertThat(now.sum("artemis_message_count", tags)).isEqualTo(1.0);
                });
                assertThat(consumer.receive(10_000)).isNotNull();
            }
            await("no consumer, empty").atMost(WAIT).untilAsserted(() -> {
                Scrape now = Scrape.now();
                assertThat(now.sum("artemis_consumer_count", tags)).isZero();
                assertThat(now.sum("artemis_message_count", tags)).isZero();
                assertThat(delta(before, now, "artemis_messages_acknowledged", tags)).isEqualTo(3.0);
            });
        }
    }

    @Test
    void gatewayRequestsAreCountedByStatusUnderThePathTemplate() throws Exception {
        Map<String, String> accepted = Map.of("uri", "/api/queues/{name}", "status", "202");
        Map<String, String> badName = Map.of("uri", "/api/queues/{name}", "status", "400");
        Map<String, String> noLogin = Map.of("uri", "/api/queues/{name}", "status", "401");
        Map<String, String> tooLarge = Map.of("uri", "/api/queues/{name}", "status", "413");
        Scrape before = Scrape.now();

        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("hello")
                .post("/api/queues/metrics.gateway").then().statusCode(202);
        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("hello")
                .post("/api/queues/metrics!gateway").then().statusCode(400);
        given().contentType("text/plain").body("hello").post("/api/queues/metrics.gateway.anonymous").then()
                .statusCode(401);
        // Refused on its declared length before any route matched: named by the template all the same.
        given().auth().preemptive().basic("app", "app").contentType("application/octet-stream")
                .body(new byte[1024 * 1024 + 1]).post("/api/queues/metrics.gateway.large").then().statusCode(413);

        await("requests counted").atMost(WAIT).untilAsserted(() -> {
            Scrape after = Scrape.now();
            assertThat(delta(before, after, "http_server_requests_seconds_count", accepted)).isEqualTo(1.0);
            assertThat(delta(before, after, "http_server_requests_seconds_count", badName)).isEqualTo(1.0);
            assertThat(delta(before, after, "http_server_requests_seconds_count", noLogin)).isEqualTo(1.0);
            assertThat(delta(before, after, "http_server_requests_seconds_count", tooLarge)).isEqualTo(1.0);
        });
        // One series per template, never one per queue name.
        assertThat(Scrape.now().matching("http_server_requests_seconds_count", Map.of()))
                .allSatisfy(s -> assertThat(s.labels().get("uri")).doesNotContain("metrics"));
        try (Jms client = connect("app")) {
            assertThat(client.receive("metrics.gateway", 10_000)).isNotNull();
        }
    }

    @Test
    void jvmMetricsAreThere() {
        Scrape scrape = Scrape.now();
        assertThat(scrape.names()).contains("jvm_memory_used_bytes", "jvm_threads_live_threads",
                "jvm_gc_pause_seconds_count", "process_cpu_usage");
        assertThat(scrape.sum("jvm_memory_used_bytes", Map.of("area", "heap"))).isPositive();
    }

    private static double delta(Scrape before, Scrape after, String name, Map<String, String> labels) {
        return after.sum(name, labels) - before.sum(name, labels);
    }
}
