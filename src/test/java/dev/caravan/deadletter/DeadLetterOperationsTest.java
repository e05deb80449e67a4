package dev.caravan.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.Set;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import jakarta.inject.Inject;
import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Dead letters beyond the REST API: the {@code caravan:type=DeadLetters} MBean, the Artemis console's own retry on a
 * Caravan DLQ, the per-DLQ metrics and the degraded health signal.
 */
@QuarkusTest
class DeadLetterOperationsTest extends CaravanTestSupport {

    private static final String ROUTE = """
            - route:
                id: %s
                from:
                  uri: "jms:queue:%s"
                  steps:
                    - filter:
                        simple: "${body} contains 'bad'"
                        steps:
                          - throwException:
                              exceptionType: java.lang.IllegalStateException
                              message: "refused"
                    - to: "jms:queue:%s"
            """;

    @Inject
    DeadLetterMetrics metrics;

    @Test
    void mbeanListsReplaysAndPurges() throws Exception {
        files().deploy("dlq-mbean.camel.yaml", ROUTE.formatted("dlq-mbean", "dlq.mbean.in", "dlq.mbean.out"));
        try (Jms client = connect("operator")) {
            for (int i = 0; i < 4; i++) {
                client.sendText("dlq.mbean.in", "bad-" + i);
            }
            awaitDepth("DLQ.dlq.mbean.in", 4);
            MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
            ObjectName name = new ObjectName(DeadLetters.OBJECT_NAME);

            JsonPath list = JsonPath.from((String) jmx.invoke(name, "listDeadLetterQueues", null, null));
            assertThat(list.getInt("find { it.name == 'DLQ.dlq.mbean.in' }.count")).isEqualTo(4);
            assertThat((Long) jmx.getAttribute(name, "TotalDeadLetters")).isGreaterThanOrEqualTo(4L);
            JsonPath page = JsonPath.from((String) jmx.invoke(name, "browse",
                    new Object[]{"DLQ.dlq.mbean.in", 0, 10}, new String[]{"java.lang.String", "int", "int"}));
            String first = page.getString("[0].id");
            JsonPath groups = JsonPath.from((String) jmx.invoke(name, "groups", new Object[]{"DLQ.dlq.mbean.in"},
                    new String[]{"java.lang.String"}));
            assertThat(groups.getInt("[0].count")).isEqualTo(4);

            // Delete one, then fix the route and replay one group; the rest is purged.
            assertThat(jmx.invoke(name, "delete", new Object[]{"DLQ.dlq.mbean.in", first},
                    new String[]{"java.lang.String", "java.lang.String"})).isEqualTo(1L);
            files().deploy("dlq-mbean.camel.yaml", ROUTE.formatted("dlq-mbean", "dlq.mbean.in", "dlq.mbean.out")
                    .replace("contains 'bad'", "contains 'never'"));
            String second = page.getString("[1].id");
            assertThat(jmx.invoke(name, "replay", new Object[]{"DLQ.dlq.mbean.in", second},
                    new String[]{"java.lang.String", "java.lang.String"})).isEqualTo(1L);
            assertThat(Jms.text(client.receive("dlq.mbean.out", 10_000))).isEqualTo(page.getString("[1].body"));
            assertThat(jmx.invoke(name, "purge", new Object[]{"DLQ.dlq.mbean.in"},
                    new String[]{"java.lang.String"})).isEqualTo(2L);
            assertThat(depth("DLQ.dlq.mbean.in")).isZero();
        } finally {
            files().undeploy("dlq-mbean.camel.yaml");
        }
    }

    @Test
    void artemisConsoleRetrySendsCaravanDeadLettersBackToTheirQueue() throws Exception {
        files().deploy("dlq-retry.camel.yaml", ROUTE.formatted("dlq-retry", "dlq.retry.in", "dlq.retry.out"));
        try (Jms client = connect("operator")) {
            client.sendText("dlq.retry.in", "bad-1");
            client.sendText("dlq.retry.in", "bad-2");
            awaitDepth("DLQ.dlq.retry.in", 2);
            files().deploy("dlq-retry.camel.yaml", ROUTE.formatted("dlq-retry", "dlq.retry.in", "dlq.retry.out")
                    .replace("contains 'bad'", "contains 'never'"));

            // What Hawtio's Artemis plugin calls for "retry" on the DLQ: the broker's own QueueControl operation.
            ObjectName dlq = new ObjectName("org.apache.activemq.artemis:broker=\"caravan\",component=addresses,"
                    + "address=\"DLA\",subcomponent=queues,routing-type=\"anycast\",queue=\"DLQ.dlq.retry.in\"");
            int retried = (Integer) ManagementFactory.getPlatformMBeanServer().invoke(dlq, "retryMessages", null,
                    null);
            assertThat(retried).isEqualTo(2);
            Set<String> bodies = new HashSet<>();
            for (Message message : client.receive("dlq.retry.out", 2, 10_000)) {
                bodies.add(Jms.text(message));
            }
            assertThat(bodies).containsExactlyInAnyOrder("bad-1", "bad-2");
            assertThat(depth("DLQ.dlq.retry.in")).isZero();
        } finally {
            files().undeploy("dlq-retry.camel.yaml");
        }
    }

    @Test
    void metricsShowDepthAgeAndReplaysAndHealthTurnsDegradedPastTheThreshold() throws Exception {
        files().deploy("dlq-alert.camel.yaml", ROUTE.formatted("dlq-alert", "dlq.alert.in", "dlq.alert.out"));
        try (Jms client = connect("operator")) {
            int count = 31; // the test threshold is 30
            for (int i = 0; i < count; i++) {
                client.sendText("dlq.alert.in", "bad-" + i);
            }
            awaitDepth("DLQ.dlq.alert.in", count);
            metrics.refresh();
            String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertThat(scrape).contains("caravan_dlq_depth{dlq=\"DLQ.dlq.alert.in\"} 31.0");
            assertThat(scrape).containsPattern("caravan_dlq_oldest_age_seconds\\{dlq=\"DLQ.dlq.alert.in\"} \\d");

            // Degraded, but the instance stays ready and alive.
            given().get("/q/health/well").then().statusCode(503)
                    .body("checks.find { it.name == 'dead-letters' }.status", equalTo("DOWN"))
                    .body("checks.find { it.name == 'dead-letters' }.data.'DLQ.dlq.alert.in'", equalTo(count));
            given().get("/q/health/ready").then().statusCode(200);
            given().get("/q/health/live").then().statusCode(200);

            files().deploy("dlq-alert.camel.yaml", ROUTE.formatted("dlq-alert", "dlq.alert.in", "dlq.alert.out")
                    .replace("contains 'bad'", "contains 'never'"));
            given().auth().preemptive().basic("operator", "operator").contentType("application/json")
                    .body("{\"all\": true}").post("/api/dlq/DLQ.dlq.alert.in/replay").then().statusCode(200)
                    .body("replayed", equalTo(count));
            client.receive("dlq.alert.out", count, 10_000);
            metrics.refresh();
            String after = given().get("/q/metrics").then().extract().asString();
            assertThat(after).contains("caravan_dlq_depth{dlq=\"DLQ.dlq.alert.in\"} 0.0");
            assertThat(after).contains("caravan_dlq_replayed_total{dlq=\"DLQ.dlq.alert.in\"} 31.0");
            // This DLQ no longer counts against the threshold (other tests' DLQs in the shared broker may still).
            given().get("/q/health/well").then()
                    .body("checks.find { it.name == 'dead-letters' }.data.'DLQ.dlq.alert.in'", nullValue());
        } finally {
            files().undeploy("dlq-alert.camel.yaml");
        }
    }

}
