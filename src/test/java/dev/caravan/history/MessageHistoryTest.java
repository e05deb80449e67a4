package dev.caravan.history;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** "Where did message X go": hops recorded across the gateway, routes and the broker's dead-lettering. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MessageHistoryTest extends CaravanTestSupport {

    private static final String FILE = "history.camel.yaml";

    @BeforeAll
    void deploy() {
        files().deploy(FILE, """
                # Two hops: history.in -> history.mid -> history.out, and a route that always fails.
                - route:
                    id: history-first
                    from:
                      uri: "jms:queue:history.in"
                      steps:
                        - to: "jms:queue:history.mid"
                - route:
                    id: history-second
                    from:
                      uri: "jms:queue:history.mid"
                      steps:
                        - setBody:
                            simple: "seen: ${body}"
                        - to: "jms:queue:history.out"
                - route:
                    id: history-failing
                    from:
                      uri: "jms:queue:history.broken"
                      steps:
                        - throwException:
                            exceptionType: java.lang.IllegalArgumentException
                            message: "no such customer"
                """);
    }

    @AfterAll
    void undeploy() {
        files().undeploy(FILE);
    }

    @Test
    void showsEveryHopOfAMessageFromTheGatewayThroughTwoRoutes() throws Exception {
        given().auth().preemptive().basic("app", "app").contentType("text/plain")
                .header("X-Correlation-Id", "hist-ok-1").body("parcel")
                .post("/api/queues/history.in").then().statusCode(202);
        try (Jms client = connect("app")) {
            assertThat(Jms.text(client.receive("history.out", 10_000))).isEqualTo("seen: parcel");
        }
        JsonPath trail = await().atMost(Duration.ofSeconds(10)).until(() -> history("hist-ok-1"),
                t -> t.getList("hops.findAll { it.event == 'completed' }").size() == 2);
        List<Map<String, Object>> hops = trail.getList("hops");
        assertThat(hops).extracting(h -> h.get("event") + " " + h.get("route") + " " + h.get("endpoint"))
                .containsSubsequence(
                        "sent gateway jms://queue:history.in",
                        "received history-first jms://queue:history.in",
                        "sent history-first jms://queue:history.mid",
                        "completed history-first null",
                        "received history-second jms://queue:history.mid",
                        "sent history-second jms://queue:history.out",
                        "completed history-second null");
        assertThat(trail.getString("correlationId")).isEqualTo("hist-ok-1");
        assertThat(trail.getInt("dropped")).isZero();
    }

    @Test
    void showsFailedAttemptsAndTheDeadLetter() throws Exception {
        try (Jms client = connect("app")) {
            var message = client.session().createTextMessage("{}");
            message.setJMSCorrelationID("hist-dead-1");
            try (var producer = client.session().createProducer(client.session().createQueue("history.broken"))) {
                producer.send(message);
            }
        }
        JsonPath trail = await().atMost(Duration.ofSeconds(30)).until(() -> history("hist-dead-1"),
                t -> t.getList("hops.findAll { it.event == 'dead-lettered' }").size() == 1);
        assertThat(trail.getList("hops.findAll { it.event == 'failed' }.route")).hasSize(3)
                .containsOnly("history-failing");
        assertThat(trail.getList("hops.findAll { it.event == 'failed' }.detail", String.class))
                .allMatch(d -> d.equals("java.lang.IllegalArgumentException: no such customer"));
        Map<String, Object> dead = trail.getMap("hops.find { it.event == 'dead-lettered' }");
        assertThat(dead).containsEntry("route", "history-failing").containsEntry("endpoint", "DLA");
        assertThat((String) dead.get("detail")).contains("no such customer");
    }

    @Test
    void isForOperatorsAndSaysWhenAnIdIsUnknown() {
        given().auth().preemptive().basic("operator", "operator").get("/api/messages/never-seen/history").then()
                .statusCode(404).contentType("application/json");
        given().auth().preemptive().basic("app", "app").get("/api/messages/never-seen/history").then()
                .statusCode(403);
        given().get("/api/messages/never-seen/history").then().statusCode(401);
    }

    private static JsonPath history(String correlationId) {
        var response = given().auth().preemptive().basic("operator", "operator")
                .get("/api/messages/" + correlationId + "/history");
        return response.statusCode() == 200 ? response.jsonPath() : new JsonPath("{\"hops\": []}");
    }
}
