package dev.caravan.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.core.server.Queue;
import org.apache.qpid.jms.JmsConnectionFactory;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.caravan.broker.TransientReplyQueues;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.LocalHttp;

/** The HTTP gateway of DESIGN.md's public contract, checked with real JMS clients on the other side. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayTest extends CaravanTestSupport {

    private static final String FILE = "gateway-responder.camel.yaml";

    @TestHTTPResource("/")
    URI base;

    @BeforeAll
    void deploy() {
        files().deploy(FILE, """
                # Answers requests on gw.pricing: the reply goes to the request's reply-to with its correlation id.
                - route:
                    id: gw-pricing
                    from:
                      uri: "jms:queue:gw.pricing"
                      steps:
                        - setBody:
                            simple: "price of ${body}: 42"
                        - setHeader:
                            name: Currency
                            constant: "EUR"
                # Answers with the request itself, unchanged.
                - route:
                    id: gw-mirror
                    from:
                      uri: "jms:queue:gw.mirror"
                      steps:
                        - log: "mirroring ${header.JMSCorrelationID}"
                """);
    }

    @AfterAll
    void undeploy() {
        files().undeploy(FILE);
    }

    @Test
    void enqueuedJsonArrivesAsTextWithCorrelationIdAndProperties() throws Exception {
        Response response = given().auth().preemptive().basic("app", "app")
                .contentType("application/json").header("X-Correlation-Id", "order-17")
                .header("X-Msg-Region", "eu").body("{\"order\": 17, \"item\": \"caf\u00e9\"}")
                .when().post("/api/queues/gw.orders");
        response.then().statusCode(202).header("X-Correlation-Id", "order-17").body("id", startsWith("ID:"));
        try (Jms client = connect("app")) {
            Message message = client.receive("gw.orders", 5_000);
            assertThat(message).isInstanceOf(TextMessage.class);
            assertThat(Jms.text(message)).isEqualTo("{\"order\": 17, \"item\": \"caf\u00e9\"}");
            assertThat(message.getJMSMessageID()).isEqualTo(response.path("id"));
            assertThat(message.getJMSCorrelationID()).isEqualTo("order-17");
            assertThat(message.getStringProperty("Region")).isEqualTo("eu");
            assertThat(message.getStringProperty("Content_HYPHEN_Type")).isEqualTo("application/json");
        }
    }

    @Test
    void binaryBodyArrivesByteForByteAndACorrelationIdIsGenerated() throws Exception {
        byte[] body = new byte[20_000];
        new Random(3).nextBytes(body);
        String correlation = given().auth().preemptive().basic("app", "app")
                .contentType("application/octet-stream").body(body)
                .when().post("/api/queues/gw.blobs").then().statusCode(202).extract().header("X-Correlation-Id");
        assertThat(correlation).isNotBlank();
        try (Jms client = connect("app")) {
            Message message = client.receive("gw.blobs", 5_000);
            assertThat(message).isInstanceOf(BytesMessage.class);
            assertThat(message.getBody(byte[].class)).isEqualTo(body);
            assertThat(message.getJMSCorrelationID()).isEqualTo(correlation);
        }
    }

    @Test
    void retryWithTheSameIdempotencyKeyIsNotEnqueuedTwice() throws Exception {
        String key = "order-" + UUID.randomUUID();
        given().auth().preemptive().basic("app", "app").contentType("text/plain").header("Idempotency-Key", key)
                .body("first").when().post("/api/queues/gw.idempotent").then().statusCode(202)
                .body("id", startsWith("ID:"));
        given().auth().preemptive().basic("app", "app").contentType("text/plain").header("Idempotency-Key", key)
                .body("retry").when().post("/api/queues/gw.idempotent").then().statusCode(200)
                .body("duplicate", equalTo(true));
        try (Jms client = connect("app")) {
            assertThat(Jms.text(client.receive("gw.idempotent", 5_000))).isEqualTo("first");
            assertThat(client.receive("gw.idempotent", 300)).isNull();
        }
    }

    @Test
    void publishedMessageReachesEverySubscriber() throws Exception {
        try (Jms client = connect("app")) {
            Session session = client.session();
            try (MessageConsumer one = session.createConsumer(session.createTopic("gw.events"));
                    MessageConsumer two = session.createConsumer(session.createTopic("gw.events"))) {
                given().auth().preemptive().basic("app", "app").contentType("text/plain").body("shipped")
                        .when().post("/api/topics/gw.events").then().statusCode(202);
                assertThat(Jms.text(one.receive(5_000))).isEqualTo("shipped");
                assertThat(Jms.text(two.receive(5_000))).isEqualTo("shipped");
            }
        }
    }

    @Test
    void badInputGetsA4xxWithAJsonErrorAndEnqueuesNothing() throws Exception {
        String tooLong = "q".repeat(201);
        for (String name : List.of("bad name", "a*b", tooLong)) {
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                    .when().post("/api/queues/" + name).then().statusCode(400)
                    .body("error", startsWith("invalid queue name"));
        }
        badRequest(given().header("X-Msg-1st", "x"), "invalid header");
        badRequest(given().header("X-Msg-JMSType", "x"), "invalid header");
        badRequest(given().header("X-Correlation-Id", "has space"), "X-Correlation-Id");
        // 0xC3 0x28 is not UTF-8.
        given().auth().preemptive().basic("app", "app").contentType("application/json")
                .body(new byte[]{'"', (byte) 0xC3, 0x28, '"'})
                .when().post("/api/queues/gw.rejected").then().statusCode(400)
                .body("error", equalTo("body is not valid UTF-8 text"));
        assertThat(embeddedBroker.server().locateQueue("gw.rejected")).isNull();
    }

    private static void badRequest(io.restassured.specification.RequestSpecification request, String error) {
        request.auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                .when().post("/api/queues/gw.rejected").then().statusCode(400).body("error", startsWith(error));
    }

    @Test
    void bodyOverTheLimitIs413WithAJsonError() {
        // The test profile sets caravan.http.max-body-size to 1M.
        given().auth().preemptive().basic("app", "app").contentType("application/octet-stream")
                .body(new byte[1024 * 1024 + 1])
                .when().post("/api/queues/gw.rejected").then().statusCode(413).body("error", startsWith("body"));
        // Without a declared length (chunked), Quarkus stops reading at the limit; the answer is the same.
        given().auth().preemptive().basic("app", "app").contentType("application/octet-stream")
                .body(new ByteArrayInputStream(new byte[1024 * 1024 + 1]))
                .when().post("/api/queues/gw.rejected").then().statusCode(413).body("error", startsWith("body"));
        assertThat(embeddedBroker.server().locateQueue("gw.rejected")).isNull();
    }

    @Test
    void onlyTheAppRoleMaySendAndOnlyWhereTheBrokerAllowsIt() {
        given().contentType("text/plain").body("x").when().post("/api/queues/gw.orders").then().statusCode(401);
        given().auth().preemptive().basic("app", "wrong").contentType("text/plain").body("x")
                .when().post("/api/queues/gw.orders").then().statusCode(401);
        given().auth().preemptive().basic("operator", "operator").contentType("text/plain").body("x")
                .when().post("/api/queues/gw.orders").then().statusCode(403);
        // broker.xml: only operators and admins may send to the dead-letter address.
        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                .when().post("/api/queues/DLA").then().statusCode(403).body("error", startsWith("user app may not"));
    }

    @Test
    void requestIsAnsweredByARouteWithTheCorrelationIdKept() {
        given().auth().preemptive().basic("app", "app").contentType("text/plain").header("X-Correlation-Id", "q-1")
                .body("tea").when().post("/api/requests/gw.pricing?timeout=5s")
                .then().statusCode(200).body(equalTo("price of tea: 42")).header("X-Correlation-Id", "q-1")
                .header("X-Msg-Currency", "EUR");
    }

    @Test
    void unchangedRequestComesBackAsTheReply() {
        given().auth().preemptive().basic("app", "app").contentType("application/json").body("{\"ping\": 1}")
                .when().post("/api/requests/gw.mirror?timeout=5s")
                .then().statusCode(200).contentType("application/json").body("ping", equalTo(1));
    }

    @Test
    void amqpClientGetsItsReplyFromARoute() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory("app", "app", "amqp://127.0.0.1:" + port);
        try (Connection connection = factory.createConnection()) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            assertThat(ask(session, session.createTemporaryQueue(), "tea", "amqp-7")).isEqualTo("price of tea: 42");
        }
    }

    /**
     * A route remembers reply destinations it has sent to (ReplyDestinations): requesters that come and go, each with its
     * own temporary queue, still each get their own replies, and a requester asking again after others gets its reply.
     */
    @Test
    void requestersComingAndGoingEachGetTheirOwnReplies() throws Exception {
        JmsConnectionFactory factory = new JmsConnectionFactory("app", "app", "amqp://127.0.0.1:" + port);
        try (Connection first = factory.createConnection()) {
            first.start();
            Session firstSession = first.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TemporaryQueue firstReplies = firstSession.createTemporaryQueue();
            assertThat(ask(firstSession, firstReplies, "tea", "first-1")).isEqualTo("price of tea: 42");
            for (int i = 0; i < 3; i++) {
                try (Connection other = factory.createConnection()) {
                    other.start();
                    Session session = other.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    assertThat(ask(session, session.createTemporaryQueue(), "rice " + i, "other-" + i))
                            .isEqualTo("price of rice " + i + ": 42");
                }
            }
            assertThat(ask(firstSession, firstReplies, "coffee", "first-2")).isEqualTo("price of coffee: 42");
        }
    }

    /** Sends {@code body} to gw.pricing with {@code replyTo} and returns the reply's text, checking its correlation. */
    private static String ask(Session session, TemporaryQueue replyTo, String body, String correlationId)
            throws Exception {
        TextMessage request = session.createTextMessage(body);
        request.setJMSReplyTo(replyTo);
        request.setJMSCorrelationID(correlationId);
        try (MessageProducer producer = session.createProducer(session.createQueue("gw.pricing"));
                MessageConsumer consumer = session.createConsumer(replyTo)) {
            producer.send(request);
            Message reply = consumer.receive(5_000);
            assertThat(reply).as("reply to " + correlationId).isNotNull();
            assertThat(reply.getJMSCorrelationID()).isEqualTo(correlationId);
            return reply.getBody(String.class);
        }
    }

    @Test
    void requestIsAnsweredByAPlainJmsResponder() throws Exception {
        CountDownLatch answered = new CountDownLatch(1);
        try (Jms client = connect("app")) {
            Session session = client.session();
            MessageConsumer requests = session.createConsumer(session.createQueue("gw.echo"));
            MessageProducer replies = session.createProducer(null);
            requests.setMessageListener(request -> {
                try {
                    TextMessage reply = session.createTextMessage("echo: " + Jms.text(request));
                    reply.setJMSCorrelationID(request.getJMSCorrelationID());
                    replies.send(request.getJMSReplyTo(), reply);
                    answered.countDown();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("hello")
                    .when().post("/api/requests/gw.echo?timeout=5000ms")
                    .then().statusCode(200).body(equalTo("echo: hello"));
            assertThat(answered.await(1, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void noReplyIs504AndALateReplyIsDiscardedNotDelivered() throws Exception {
        try (Jms client = connect("app")) {
            Session session = client.session();
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("slow")
                    .header("X-Correlation-Id", "late-1")
                    .when().post("/api/requests/gw.slow?timeout=300ms")
                    .then().statusCode(504).body("error", startsWith("no reply from queue gw.slow"));
            // The request is still on gw.slow; answer it now, after its caller has gone.
            Message request = client.receive("gw.slow", 5_000);
            assertThat(request.getJMSCorrelationID()).isEqualTo("late-1");
            try (MessageProducer replies = session.createProducer(request.getJMSReplyTo())) {
                TextMessage late = session.createTextMessage("too late");
                late.setJMSCorrelationID("late-1");
                replies.send(late);
            }
            // The reply manager consumes and drops it: nothing piles up on the reply queue.
            await().atMost(Duration.ofSeconds(5)).until(() -> replyQueues().stream()
                    .mapToLong(Queue::getMessageCount).sum() == 0 && !replyQueues().isEmpty());
            // A later request gets its own answer, not the late one.
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("coffee")
                    .when().post("/api/requests/gw.pricing?timeout=5s")
                    .then().statusCode(200).body(equalTo("price of coffee: 42"));
        }
    }

    /**
     * A request waiting for its reply holds no thread: more requests wait at once than the worker pool has threads,
     * every one of them reaches the broker, the rest of the API still answers meanwhile, and each request then gets
     * its own reply. Before, every waiting request held a worker thread for up to its timeout (30 s by default), so a
     * slow responder left the gateway's sends queued behind it.
     */
    @Test
    void waitingRequestsHoldNoWorkerThread() throws Exception {
        int workers = ConfigProvider.getConfig().getOptionalValue("quarkus.thread-pool.max-threads", Integer.class)
                .orElse(Math.max(8 * Runtime.getRuntime().availableProcessors(), 200));
        int waiting = workers + 20;
        String auth = LocalHttp.basicAuth("app", "app");
        ExecutorService callers = Executors.newFixedThreadPool(4);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(callers).build();
        try (Jms responder = connect("app")) {
            List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                replies.add(http.sendAsync(HttpRequest.newBuilder(
                        base.resolve("/api/requests/gw.unhurried?timeout=60s"))
                        .header("Authorization", auth).header("Content-Type", "text/plain")
                        .header("X-Correlation-Id", "unhurried-" + i)
                        .POST(HttpRequest.BodyPublishers.ofString("request " + i)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            // Every request reaches the broker although more of them wait than there are worker threads.
            await("all " + waiting + " requests on gw.unhurried").atMost(Duration.ofSeconds(30))
                    .until(() -> depth("gw.unhurried"), equalTo((long) waiting));
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("meanwhile")
                    .when().post("/api/queues/gw.meanwhile").then().statusCode(202);
            assertThat(replies).noneMatch(CompletableFuture::isDone);

            // Now answered, in reverse order: each caller gets the reply to its own request.
            List<Message> requests = responder.receive("gw.unhurried", waiting, 10_000);
            assertThat(requests).hasSize(waiting);
            Session session = responder.session();
            try (MessageProducer producer = session.createProducer(null)) {
                Collections.reverse(requests);
                for (Message request : requests) {
                    TextMessage reply = session.createTextMessage("answer to " + Jms.text(request));
                    reply.setJMSCorrelationID(request.getJMSCorrelationID());
                    producer.send(request.getJMSReplyTo(), reply);
                }
            }
            for (int i = 0; i < waiting; i++) {
                HttpResponse<String> reply = replies.get(i).get(30, TimeUnit.SECONDS);
                assertThat(reply.statusCode()).isEqualTo(200);
                assertThat(reply.body()).isEqualTo("answer to request " + i);
                assertThat(reply.headers().firstValue("X-Correlation-Id")).hasValue("unhurried-" + i);
            }
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void invalidTimeoutsAre400() {
        for (String timeout : List.of("5m", "0s", "abc", "100000s")) {
            given().auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                    .when().post("/api/requests/gw.pricing?timeout=" + timeout).then().statusCode(400)
                    .body("error", startsWith(timeout.equals("0s") || timeout.equals("100000s")
                            ? "timeout must"
                            : "invalid timeout"));
        }
    }

    @Test
    void openApiDescribesTheGateway() {
        given().accept("application/json").when().get("/q/openapi").then().statusCode(200)
                .body("paths.'/api/queues/{name}'.post.summary", startsWith("Enqueue"))
                .body("paths.'/api/requests/{queue}'.post.responses.'504'.description", startsWith("no reply"));
    }

    /**
     * Replies live in memory: the instance's reply queue is not durable, so a reply is neither written to the journal
     * nor deleted from it once taken (broker/TransientReplyQueues). A queue an application's consumer creates the same
     * way stays durable.
     */
    @Test
    void repliesAreKeptInMemoryAndOtherQueuesStayDurable() throws Exception {
        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("tea")
                .when().post("/api/requests/gw.pricing?timeout=5s")
                .then().statusCode(200).body(equalTo("price of tea: 42"));
        assertThat(replyQueues()).isNotEmpty().allSatisfy(queue -> assertThat(queue.isDurable())
                .as("reply queue %s durable", queue.getName()).isFalse());

        try (Jms client = connect("app")) {
            client.session().createConsumer(client.session().createQueue("gw.created-by-a-consumer")).close();
        }
        assertThat(embeddedBroker.server().locateQueue("gw.created-by-a-consumer").isDurable()).isTrue();
    }

    private List<Queue> replyQueues() throws Exception {
        List<Queue> queues = new ArrayList<>();
        for (var name : embeddedBroker.server().getPostOffice().getAddresses()) {
            if (name.toString().startsWith(TransientReplyQueues.PREFIX)) {
                queues.addAll(embeddedBroker.server().getPostOffice().listQueuesForAddress(name));
            }
        }
        return queues;
    }
}
