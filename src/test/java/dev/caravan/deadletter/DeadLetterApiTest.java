package dev.caravan.deadletter;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.RouteFiles;

/**
 * The operator's dead-letter API against the real broker: routes fail, dead letters land with their failure, operators
 * browse, group, fix and replay them, and every action is audited.
 */
@QuarkusTest
class DeadLetterApiTest extends CaravanTestSupport {

    private static RequestSpecification operator() {
        return given().auth().preemptive().basic("operator", "operator");
    }

    private static final String FAILING = """
            - route:
                id: %s
                from:
                  uri: "jms:queue:%s"
                  steps:
                    - choice:
                        when:
                          - simple: "${body} contains 'bad'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalArgumentException
                                  message: "order ${body} rejected by billing"
                    - to: "jms:queue:%s"
            """;

    @Test
    void operatorStoryFailBrowseGroupFixReplayAll() throws Exception {
        String file = "dlq-story.camel.yaml";
        files().deploy(file, FAILING.formatted("dlq-story", "dlq.story.in", "dlq.story.out"));
        int count = 20;
        try (Jms client = connect("operator")) {
            for (int i = 0; i < count; i++) {
                client.sendText("dlq.story.in", "bad-" + i, "seq", Integer.toString(i));
            }
            awaitDepth("DLQ.dlq.story.in", count);

            JsonPath list = operator().get("/api/dlq").then().statusCode(200).extract().jsonPath();
            Map<String, Object> summary = list.getMap("find { it.name == 'DLQ.dlq.story.in' }");
            assertThat(summary).containsEntry("originalQueue", "dlq.story.in").containsEntry("count", count);
            assertThat(summary.get("oldestFailedAt")).isNotNull();

            // Dead letters are listed in the order they failed; a page is a slice of that order.
            List<String> everything = operator().queryParam("limit", 100).get("/api/dlq/DLQ.dlq.story.in/messages")
                    .then().statusCode(200).extract().path("body");
            assertThat(new HashSet<>(everything)).hasSize(count);
            JsonPath page = operator().queryParam("route", "dlq-story").queryParam("limit", 5).queryParam("offset", 5)
                    .get("/api/dlq/DLQ.dlq.story.in/messages").then().statusCode(200).extract().jsonPath();
            assertThat(page.getList("body")).isEqualTo(everything.subList(5, 10));
            String body = page.getString("[0].body");
            assertThat(page.getString("[0].routeId")).isEqualTo("dlq-story");
            assertThat(page.getString("[0].exception")).isEqualTo(IllegalArgumentException.class.getName());
            assertThat(page.getString("[0].exceptionMessage")).isEqualTo("order " + body + " rejected by billing");
            assertThat(page.getString("[0].originalDestination")).isEqualTo("dlq.story.in");
            assertThat(page.getInt("[0].attempts")).isEqualTo(3);
            assertThat("bad-" + page.getString("[0].headers.seq")).isEqualTo(body);
            String id = page.getString("[0].id");
            operator().get("/api/dlq/DLQ.dlq.story.in/messages/" + id).then().statusCode(200)
                    .body("body", equalTo(body)).body("failedAt", notNullValue());

            // Filters: body text, exception class, a time range that excludes everything.
            operator().queryParam("text", "bad-17").get("/api/dlq/DLQ.dlq.story.in/messages").then()
                    .body("size()", equalTo(1)).body("[0].body", equalTo("bad-17"));
            operator().queryParam("exception", "java.io.IOException").get("/api/dlq/DLQ.dlq.story.in/messages")
                    .then().body("size()", equalTo(0));
            operator().queryParam("to", "2000-01-01T00:00:00Z").get("/api/dlq/DLQ.dlq.story.in/messages").then()
                    .body("size()", equalTo(0));

            // One cause, one group: the order number in the message is masked.
            JsonPath groups = operator().get("/api/dlq/DLQ.dlq.story.in/groups").then().statusCode(200).extract()
                    .jsonPath();
            assertThat(groups.getList("$")).hasSize(1);
            assertThat(groups.getInt("[0].count")).isEqualTo(count);
            assertThat(groups.getString("[0].messagePattern")).isEqualTo("order bad-<n> rejected by billing");

            long auditBefore = lastAuditId();
            // The fix goes live from disk, no restart; then replay everything.
            files().deploy(file, RouteFiles.relay("dlq-story", "dlq.story.in", "dlq.story.out"));
            operator().contentType(ContentType.JSON).body("{\"all\": true}")
                    .post("/api/dlq/DLQ.dlq.story.in/replay").then().statusCode(200)
                    .body("replayed", equalTo(count)).body("skipped", equalTo(0));

            Set<String> bodies = new HashSet<>();
            for (Message message : client.receive("dlq.story.out", count, 10_000)) {
                assertThat(bodies.add(Jms.text(message))).as("received once: " + Jms.text(message)).isTrue();
                assertThat(message.getIntProperty(DeadLetterHeaders.REPLAY_COUNT)).isEqualTo(1);
                assertThat(message.propertyExists(DeadLetterHeaders.EXCEPTION_CLASS)).isFalse();
            }
            assertThat(client.receive("dlq.story.out", 300)).as("no copy beyond one each").isNull();
            assertThat(depth("DLQ.dlq.story.in")).isZero();

            String replay = "find { it.action == 'replay' && it.dlq == 'DLQ.dlq.story.in' && it.id > " + auditBefore
                    + " }";
            operator().get("/api/dlq/audit").then().statusCode(200)
                    .body(replay + ".count", equalTo(count)).body(replay + ".user", equalTo("operator"))
                    .body(replay + ".details", equalTo("all"));
        } finally {
            files().undeploy(file);
        }
    }

    @Test
    void editedReplaySendsTheEditedCopyOnly() throws Exception {
        String file = "dlq-edit.camel.yaml";
        files().deploy(file, FAILING.formatted("dlq-edit", "dlq.edit.in", "dlq.edit.out"));
        try (Jms client = connect("operator")) {
            client.sendText("dlq.edit.in", "bad-order", "customer", "ada");
            awaitDepth("DLQ.dlq.edit.in", 1);
            String id = operator().get("/api/dlq/DLQ.dlq.edit.in/messages").then().extract().path("[0].id");
            long auditBefore = lastAuditId();
            var auditTopic = client.session().createConsumer(client.session().createTopic("caravan.audit"));

            operator().contentType(ContentType.JSON)
                    .body(Map.of("ids", List.of(id), "body", "good-order", "headers", Map.of("customer", "grace")))
                    .post("/api/dlq/DLQ.dlq.edit.in/replay").then().statusCode(200).body("replayed", equalTo(1));
            JsonPath published = JsonPath.from(Jms.text(auditTopic.receive(10_000)));
            assertThat(published.getString("action")).isEqualTo("edit-replay");
            assertThat(published.getString("user")).isEqualTo("operator");
            assertThat(published.getString("dlq")).isEqualTo("DLQ.dlq.edit.in");
            assertThat(published.getInt("count")).isEqualTo(1);
            auditTopic.close();

            Message out = client.receive("dlq.edit.out", 10_000);
            assertThat(Jms.text(out)).isEqualTo("good-order");
            assertThat(out.getStringProperty("customer")).isEqualTo("grace");
            assertThat(client.receive("dlq.edit.out", 300)).as("the unedited copy is never sent").isNull();
            assertThat(depth("DLQ.dlq.edit.in")).isZero();
            operator().get("/api/dlq/audit").then()
                    .body("find { it.dlq == 'DLQ.dlq.edit.in' && it.id > " + auditBefore + " }.action",
                            equalTo("edit-replay"));
        } finally {
            files().undeploy(file);
        }
    }

    @Test
    void aMessageThatKeepsFailingIsNotReplayedInALoop() throws Exception {
        String file = "dlq-loop.camel.yaml";
        files().deploy(file, FAILING.formatted("dlq-loop", "dlq.loop.in", "dlq.loop.out"));
        try (Jms client = connect("operator")) {
            client.sendText("dlq.loop.in", "bad-forever");
            // max-replays is 2 in tests: two replays fail again, the third is refused.
            for (int replay = 1; replay <= 2; replay++) {
                awaitDepth("DLQ.dlq.loop.in", 1);
                operator().contentType(ContentType.JSON).body("{\"all\": true}")
                        .post("/api/dlq/DLQ.dlq.loop.in/replay").then().statusCode(200)
                        .body("replayed", equalTo(1));
                int expected = replay;
                await().atMost(Duration.ofSeconds(20)).until(() -> depth("DLQ.dlq.loop.in") == 1
                        && operator().get("/api/dlq/DLQ.dlq.loop.in/messages").then().extract()
                                .<Integer>path("[0].replayCount") == expected);
            }
            operator().contentType(ContentType.JSON).body("{\"all\": true}")
                    .post("/api/dlq/DLQ.dlq.loop.in/replay").then().statusCode(200)
                    .body("replayed", equalTo(0)).body("skipped", equalTo(1));
            assertThat(depth("DLQ.dlq.loop.in")).isEqualTo(1);
        } finally {
            files().undeploy(file);
        }
    }

    @Test
    void replayToAnotherQueueByFilterDeleteOnePurgeAndScheduledRedrive() throws Exception {
        String file = "dlq-ops.camel.yaml";
        files().deploy(file, FAILING.formatted("dlq-ops", "dlq.ops.in", "dlq.ops.out"));
        try (Jms client = connect("operator")) {
            for (String body : List.of("bad-a", "bad-b", "bad-c", "bad-d", "bad-e")) {
                client.sendText("dlq.ops.in", body);
            }
            awaitDepth("DLQ.dlq.ops.in", 5);
            String dlq = "/api/dlq/DLQ.dlq.ops.in";
            long auditBefore = lastAuditId();

            operator().contentType(ContentType.JSON).body("{\"filter\": {\"text\": \"bad-a\"}, \"destination\":"
                    + " \"dlq.ops.parking\"}").post(dlq + "/replay").then().statusCode(200)
                    .body("replayed", equalTo(1));
            assertThat(Jms.text(client.receive("dlq.ops.parking", 10_000))).isEqualTo("bad-a");

            String idOfB = operator().queryParam("text", "bad-b").get(dlq + "/messages").then().extract()
                    .path("[0].id");
            operator().delete(dlq + "/messages/" + idOfB).then().statusCode(200).body("deleted", equalTo(1));
            operator().delete(dlq + "/messages/" + idOfB).then().statusCode(404)
                    .body("error", containsString(idOfB));

            // Scheduled redrive: the messages leave the DLQ now and reach the queue after the delay.
            operator().contentType(ContentType.JSON).body("{\"filter\": {\"text\": \"bad-c\"}, \"delay\": \"2s\","
                    + " \"destination\": \"dlq.ops.later\"}").post(dlq + "/replay").then().statusCode(200)
                    .body("replayed", equalTo(1)).body("scheduledFor", notNullValue());
            long replayedAt = System.nanoTime();
            assertThat(client.receive("dlq.ops.later", 500)).as("not before its time").isNull();
            Message later = client.receive("dlq.ops.later", 15_000);
            assertThat(Jms.text(later)).isEqualTo("bad-c");
            assertThat(Duration.ofNanos(System.nanoTime() - replayedAt)).isGreaterThan(Duration.ofMillis(1500));

            operator().delete(dlq + "/messages").then().statusCode(200).body("deleted", equalTo(2));
            assertThat(depth("DLQ.dlq.ops.in")).isZero();
            List<String> actions = operator().queryParam("limit", 20).get("/api/dlq/audit").then().extract()
                    .path("findAll { it.dlq == 'DLQ.dlq.ops.in' && it.id > " + auditBefore + " }.action");
            assertThat(actions).containsExactly("purge", "replay", "delete", "replay");
        } finally {
            files().undeploy(file);
        }
    }

    @Test
    void replayOfATopicSubscribersDeadLetterReachesThatSubscriberOnly() throws Exception {
        String file = "dlq-fan.camel.yaml";
        String routes = """
                - route:
                    id: dlq-fan-good
                    from:
                      uri: "jms:topic:dlq.fan?subscriptionDurable=true&subscriptionShared=true&subscriptionName=dlq-fan-good"
                      steps:
                        - to: "jms:queue:dlq.fan.good.out"
                - route:
                    id: dlq-fan-picky
                    from:
                      uri: "jms:topic:dlq.fan?subscriptionDurable=true&subscriptionShared=true&subscriptionName=dlq-fan-picky"
                      steps:
                        - filter:
                            simple: "${header.fixed} != 'yes'"
                            steps:
                              - throwException:
                                  exceptionType: java.lang.IllegalStateException
                                  message: "picky subscriber refused it"
                        - to: "jms:queue:dlq.fan.picky.out"
                """;
        files().deploy(file, routes);
        try (Jms client = connect("operator")) {
            awaitSubscribers("dlq.fan", 2);
            client.publishText("dlq.fan", "event-1");
            assertThat(Jms.text(client.receive("dlq.fan.good.out", 10_000))).isEqualTo("event-1");
            awaitDepth("DLQ.dlq.fan", 1);
            JsonPath letter = operator().get("/api/dlq/DLQ.dlq.fan/messages").then().extract().jsonPath();
            assertThat(letter.getString("[0].originalDestination")).isEqualTo("dlq.fan");
            assertThat(letter.getString("[0].originalQueue")).isEqualTo("dlq-fan-picky");
            assertThat(letter.getString("[0].routeId")).isEqualTo("dlq-fan-picky");

            operator().contentType(ContentType.JSON).body(Map.of("all", true, "headers", Map.of("fixed", "yes")))
                    .post("/api/dlq/DLQ.dlq.fan/replay").then().statusCode(200).body("replayed", equalTo(1));
            assertThat(Jms.text(client.receive("dlq.fan.picky.out", 10_000))).isEqualTo("event-1");
            assertThat(client.receive("dlq.fan.good.out", 500)).as("the other subscriber is not sent it again")
                    .isNull();
        } finally {
            files().undeploy(file);
        }
    }

    @Test
    void everyEndpointIsForOperatorsOnly() {
        List<String[]> endpoints = List.of(new String[]{"GET", "/api/dlq"},
                new String[]{"GET", "/api/dlq/groups"}, new String[]{"GET", "/api/dlq/audit"},
                new String[]{"GET", "/api/dlq/DLQ.x/messages"}, new String[]{"GET", "/api/dlq/DLQ.x/messages/ID:1"},
                new String[]{"GET", "/api/dlq/DLQ.x/groups"}, new String[]{"POST", "/api/dlq/DLQ.x/replay"},
                new String[]{"DELETE", "/api/dlq/DLQ.x/messages/ID:1"},
                new String[]{"DELETE", "/api/dlq/DLQ.x/messages"});
        List<String> failures = new ArrayList<>();
        for (String[] endpoint : endpoints) {
            int asApp = given().auth().preemptive().basic("app", "app").contentType(ContentType.JSON).body("{}")
                    .request(endpoint[0], endpoint[1]).statusCode();
            int anonymous = given().contentType(ContentType.JSON).body("{}").request(endpoint[0], endpoint[1])
                    .statusCode();
            if (asApp != 403 || anonymous != 401) {
                failures.add(endpoint[0] + " " + endpoint[1] + ": app " + asApp + ", anonymous " + anonymous);
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        files().deploy("dlq-bad.camel.yaml", FAILING.formatted("dlq-bad", "dlq.bad.in", "dlq.bad.out"));
        try (Jms client = connect("operator")) {
            client.sendText("dlq.bad.in", "bad-1");
            awaitDepth("DLQ.dlq.bad.in", 1);
        } finally {
            files().undeploy("dlq-bad.camel.yaml");
        }
        String dlq = "/api/dlq/DLQ.dlq.bad.in";
        operator().get("/api/dlq/DLQ.nothing.here/messages").then().statusCode(404)
                .contentType(ContentType.JSON).body("error", containsString("DLQ.nothing.here"));
        operator().get("/api/dlq/orders/messages").then().statusCode(400).body("error", containsString("DLQ."));
        operator().get(dlq + "/messages/not-an-id").then().statusCode(400).body("error", containsString("id"));
        operator().get(dlq + "/messages/ID:00000000-0000-0000-0000-000000000000").then().statusCode(404);
        operator().queryParam("from", "yesterday").get(dlq + "/messages").then().statusCode(400)
                .body("error", containsString("ISO-8601"));
        operator().queryParam("exception", "not a class").get(dlq + "/messages").then().statusCode(400);
        operator().queryParam("limit", 0).get(dlq + "/messages").then().statusCode(400);
        operator().contentType(ContentType.JSON).body("{}").post(dlq + "/replay").then().statusCode(400)
                .body("error", containsString("exactly one of"));
        operator().contentType(ContentType.JSON).body("{\"all\": true, \"body\": \"x\"}").post(dlq + "/replay")
                .then().statusCode(400).body("error", containsString("one id"));
        operator().contentType(ContentType.JSON).body("{\"ids\": [\"x' OR 1=1\"]}").post(dlq + "/replay").then()
                .statusCode(400);
        operator().contentType(ContentType.JSON).body("{\"all\": true, \"destination\": \"no/such\"}")
                .post(dlq + "/replay").then().statusCode(400);
        operator().contentType(ContentType.JSON).body("{\"all\": true, \"delay\": \"soon\"}").post(dlq + "/replay")
                .then().statusCode(400).body("error", containsString("delay"));
        operator().contentType(ContentType.JSON).body("{\"all\": true, \"headers\": {\"_AMQ_DUPL_ID\": \"x\"}}")
                .post(dlq + "/replay").then().statusCode(400);
        operator().contentType(ContentType.JSON).body("{\"group\": \"0123456789abcdef\"}").post(dlq + "/replay")
                .then().statusCode(404);
        operator().contentType(ContentType.JSON).body("{not json").post(dlq + "/replay").then().statusCode(400);
        assertThat(depth("DLQ.dlq.bad.in")).as("nothing moved by a bad request").isEqualTo(1);
    }

    /** Audit records outlive test runs (PostgreSQL): tests look at what came after this id. */
    private static long lastAuditId() {
        List<Number> ids = operator().queryParam("limit", 1).get("/api/dlq/audit").then().extract().path("id");
        return ids.isEmpty() ? 0 : ids.get(0).longValue();
    }

}
