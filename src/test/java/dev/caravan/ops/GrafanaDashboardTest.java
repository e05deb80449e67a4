package dev.caravan.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterMetrics;
import dev.caravan.testing.CaravanTestSupport;

/**
 * The shipped Grafana dashboard asks only for metrics that Caravan really exposes: every metric name in every panel's
 * PromQL and every variable's query appears in a scrape of {@code /q/metrics} taken after the traffic those panels
 * show (a route exchange, a failure, a dead letter, a replay, gateway requests).
 */
@QuarkusTest
class GrafanaDashboardTest extends CaravanTestSupport {

    static final Path DASHBOARD = Path.of("ops", "grafana", "caravan-dashboard.json");

    private static final String PROBE = """
            - route:
                id: dashboard-probe
                from:
                  uri: jms:queue:dashboard.probe
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "probe"
            """;
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_:][A-Za-z0-9_:]*");
    private static final Set<String> KEYWORDS = Set.of("and", "or", "unless", "bool", "offset", "by", "without", "on",
            "ignoring", "group_left", "group_right", "inf", "nan");

    @Inject
    DeadLetterMetrics deadLetterMetrics;

    @Test
    void everyMetricTheDashboardUsesIsInARealScrape() throws Exception {
        files().deploy("dashboard-probe.camel.yaml", PROBE);
        try {
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("probe")
                    .post("/api/queues/dashboard.probe").then().statusCode(202);
            awaitDepth("DLQ.dashboard.probe", 1);
            given().auth().preemptive().basic("operator", "operator").contentType("application/json")
                    .body("{\"all\": true}").post("/api/dlq/DLQ.dashboard.probe/replay").then().statusCode(200)
                    .body("replayed", equalTo(1));
            // The route still fails: the replayed message comes back to the DLQ after its attempts.
            awaitDepth("dashboard.probe", 0);
            awaitDepth("DLQ.dashboard.probe", 1);
            deadLetterMetrics.refresh();
            Set<String> exposed = Scrape.now().names();

            Set<String> used = metricNames(new ObjectMapper().readTree(Files.readString(DASHBOARD)));
            assertThat(used).as("metrics the dashboard uses").contains("camel_exchanges_total",
                    "camel_exchanges_failed_total", "camel_exchanges_inflight", "camel_route_policy_seconds_count",
                    "artemis_message_count", "artemis_messages_added", "artemis_messages_acknowledged",
                    "artemis_consumer_count", "caravan_dlq_depth", "caravan_dlq_oldest_age_seconds",
                    "http_server_requests_seconds_count", "jvm_memory_used_bytes");
            assertThat(exposed).as("metric names at /q/metrics").containsAll(used);
        } finally {
            files().undeploy("dashboard-probe.camel.yaml");
        }
    }

    @Test
    void metricNamesAreReadOutOfPromQl() {
        assertThat(names("sum by (routeId) (rate(a_total{x=\"y\", z=~\"$v\"}[$__rate_interval])) / on(i) b"))
                .containsExactly("a_total", "b");
        assertThat(names("max without (le) (c:d{e=\"f(g)\"}) > bool 2 and h offset 5m"))
                .containsExactly("c:d", "h");
        assertThat(names("label_values(i_info{j=\"k\"}, instance)")).containsExactly("i_info");
    }

    /** Every metric named in the panels' targets (rows included) and in the variables' queries. */
    static Set<String> metricNames(JsonNode dashboard) {
        Set<String> names = new TreeSet<>();
        List<JsonNode> panels = new ArrayList<>();
        dashboard.get("panels").forEach(panels::add);
        for (int i = 0; i < panels.size(); i++) {
            JsonNode panel = panels.get(i);
            if (panel.has("panels")) {
                panel.get("panels").forEach(panels::add);
            }
            if (panel.has("targets")) {
                for (JsonNode target : panel.get("targets")) {
                    assertThat(target.path("expr").asText()).as("query of panel " + panel.path("title")).isNotBlank();
                    names.addAll(names(target.get("expr").asText()));
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if ("query".equals(variable.path("type").asText())) {
                names.addAll(names(variable.path("query").path("query").asText()));
            }
        }
        return names;
    }

    /**
     * Metric names in a PromQL expression (or a Grafana {@code label_values(selector, label)}): identifiers that are
     * neither functions, keywords, label names nor inside strings, label matchers or ranges.
     */
    static Set<String> names(String promql) {
        String expr = promql.replaceAll("^label_values\\((.*),\\s*[A-Za-z_][A-Za-z0-9_]*\\s*\\)$", "$1")
                .replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^\\]]*\\]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\$\\w+", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(expr);
        while (m.find()) {
            boolean call = expr.substring(m.end()).stripLeading().startsWith("(");
            boolean number = m.start() > 0 && Character.isDigit(expr.charAt(m.start() - 1));
            if (!call && !number && !KEYWORDS.contains(m.group().toLowerCase())) {
                names.add(m.group());
            }
        }
        return names;
    }
}
