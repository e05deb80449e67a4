package dev.caravan.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.StreamCache;
import org.apache.camel.converter.stream.InputStreamCache;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.caravan.testing.CaravanTestSupport;

/**
 * HTTP routes answer an in-memory body in one write ({@link InMemoryHttpResponses}): real platform-http routes, a real
 * HTTP backend, and the policy's decision on the routes Caravan loaded.
 */
@QuarkusTest
class InMemoryHttpResponsesTest extends CaravanTestSupport {

    private static final String FILE = "test-http-answers.camel.yaml";
    private static final byte[] SMALL = pattern(1024);
    private static final byte[] LARGE = pattern(InMemoryHttpResponses.MAX_COPIED_BYTES + 4096);

    private static HttpServer backend;
    private static boolean deployed;

    @BeforeAll
    static void startBackend() throws IOException {
        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backend.createContext("/small", exchange -> answer(exchange, SMALL));
        backend.createContext("/large", exchange -> answer(exchange, LARGE));
        backend.start();
    }

    @AfterAll
    static void stopBackend() {
        backend.stop(0);
    }

    private void deploy() {
        if (deployed) {
            return;
        }
        String url = "http://127.0.0.1:" + backend.getAddress().getPort();
        files().deploy(FILE, """
                - route:
                    id: test-answer-small-pass-through
                    from:
                      uri: "platform-http:/hooks/test-answers/small"
                      steps:
                        - removeHeaders:
                            pattern: "Authorization|CamelHttpPath|CamelHttpUri"
                        - to: "%1$s/small?bridgeEndpoint=true"
                - route:
                    id: test-answer-large-pass-through
                    from:
                      uri: "platform-http:/hooks/test-answers/large"
                      steps:
                        - removeHeaders:
                            pattern: "Authorization|CamelHttpPath|CamelHttpUri"
                        - to: "%1$s/large?bridgeEndpoint=true"
                - route:
                    id: test-answer-bytes
                    from:
                      uri: "platform-http:/hooks/test-answers/bytes"
                      steps:
                        - setBody:
                            constant: "bytes, not a string"
                        - convertBodyTo:
                            type: "byte[]"
                - route:
                    id: test-answer-failure
                    from:
                      uri: "platform-http:/hooks/test-answers/failure"
                      steps:
                        - setBody:
                            constant: "never answered"
                        - throwException:
                            exceptionType: "java.lang.IllegalStateException"
                            message: "the route failed"
                - route:
                    id: test-answer-jms-relay
                    from:
                      uri: "jms:queue:test.answers.in"
                      steps:
                        - to: "jms:queue:test.answers.out"
                """.formatted(url));
        deployed = true;
    }

    @Test
    void passThroughAnswersTheBackendsBytesWithTheirLength() {
        deploy();
        for (int i = 0; i < 3; i++) { // a connection from the pool the second time
            Response response = given().auth().preemptive().basic("app", "app").when()
                    .get("/hooks/test-answers/small");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.asByteArray()).isEqualTo(SMALL);
            assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(SMALL.length));
        }
    }

    @Test
    void anAnswerLargerThanTheCopyLimitIsStreamedIntact() {
        deploy();
        Response response = given().auth().preemptive().basic("app", "app").when().get("/hooks/test-answers/large");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asByteArray()).isEqualTo(LARGE);
    }

    @Test
    void aByteArrayBodyIsAnsweredWithItsLength() {
        deploy();
        Response response = given().auth().preemptive().basic("app", "app").when().get("/hooks/test-answers/bytes");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.asString()).isEqualTo("bytes, not a string");
        assertThat(response.header("Content-Length")).isEqualTo("19");
    }

    @Test
    void aFailedRouteIsStillAnsweredByPlatformHttpsErrorHandling() {
        deploy();
        Response response = given().auth().preemptive().basic("app", "app").when()
                .get("/hooks/test-answers/failure");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.asString()).doesNotContain("never answered");
    }

    /** What the consumer is handed: a ByteBuffer for in-memory bodies, on HTTP routes only. */
    @Test
    void thePolicyActsOnHttpRoutesOnly() throws Exception {
        deploy();
        InMemoryHttpResponses.Policy http = policy("test-answer-small-pass-through");
        Route httpRoute = camel.getRoute("test-answer-small-pass-through");
        Route jmsRoute = camel.getRoute("test-answer-jms-relay");
        assertThat(jmsRoute.getRoutePolicyList()).as("a queue route pays nothing per exchange")
                .noneMatch(InMemoryHttpResponses.Policy.class::isInstance);
        // A policy on a route it cannot tell from its definition decides when the route is built.
        InMemoryHttpResponses.Policy jms = new InMemoryHttpResponses.Policy();
        jms.onInit(jmsRoute);

        Exchange answered = exchange(new InputStreamCache(SMALL));
        http.onExchangeDone(httpRoute, answered);
        assertThat(answered.getMessage().getBody()).isInstanceOf(ByteBuffer.class);
        assertThat(bytes((ByteBuffer) answered.getMessage().getBody())).isEqualTo(SMALL);

        InputStreamCache untouched = new InputStreamCache(SMALL);
        Exchange relayed = exchange(untouched);
        jms.onExchangeDone(jmsRoute, relayed);
        assertThat(relayed.getMessage().getBody()).isSameAs(untouched);

        InputStreamCache afterFailure = new InputStreamCache(SMALL);
        Exchange failed = exchange(afterFailure);
        failed.setException(new IllegalStateException("boom"));
        http.onExchangeDone(httpRoute, failed);
        assertThat(failed.getMessage().getBody()).isSameAs(afterFailure);
    }

    @Test
    void inMemoryBodiesBecomeByteBuffersOverTheRemainingBytes() throws Exception {
        byte[] bytes = "0123456789".getBytes(StandardCharsets.US_ASCII);
        assertThat(bytes((ByteBuffer) InMemoryHttpResponses.inMemory(bytes))).isEqualTo(bytes);

        InputStreamCache partlyRead = new InputStreamCache(bytes);
        assertThat(partlyRead.skip(4)).isEqualTo(4);
        assertThat(bytes((ByteBuffer) InMemoryHttpResponses.inMemory(partlyRead)))
                .isEqualTo("456789".getBytes(StandardCharsets.US_ASCII));

        Object large = new InputStreamCache(LARGE);
        assertThat(InMemoryHttpResponses.inMemory(large)).as("over the copy limit").isSameAs(large);
        Object spooled = new OnDisk(bytes);
        assertThat(InMemoryHttpResponses.inMemory(spooled)).as("not in memory").isSameAs(spooled);
        Object stream = new ByteArrayInputStream(bytes);
        assertThat(InMemoryHttpResponses.inMemory(stream)).as("not a stream cache").isSameAs(stream);
        assertThat(InMemoryHttpResponses.inMemory("text")).isEqualTo("text");
        assertThat(InMemoryHttpResponses.inMemory(null)).isNull();
    }

    private InMemoryHttpResponses.Policy policy(String routeId) {
        return camel.getRoute(routeId).getRoutePolicyList().stream()
                .filter(InMemoryHttpResponses.Policy.class::isInstance).map(InMemoryHttpResponses.Policy.class::cast)
                .findFirst().orElseThrow(() -> new AssertionError(routeId + " has no InMemoryHttpResponses policy"));
    }

    private Exchange exchange(Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        return exchange;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }

    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    private static void answer(com.sun.net.httpserver.HttpExchange exchange, byte[] body) throws IOException {
        exchange.getRequestBody().readAllBytes();
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    /** A stream cache spooled to disk, as far as the policy can tell. */
    private static final class OnDisk extends InputStream implements StreamCache {
        private final InputStream in;
        private final int length;

        OnDisk(byte[] bytes) {
            this.in = new ByteArrayInputStream(bytes);
            this.length = bytes.length;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public void reset() {
        }

        @Override
        public void writeTo(OutputStream os) throws IOException {
            in.transferTo(os);
        }

        @Override
        public StreamCache copy(Exchange exchange) {
            return this;
        }

        @Override
        public boolean inMemory() {
            return false;
        }

        @Override
        public long length() {
            return length;
        }

        @Override
        public long position() {
            return 0;
        }
    }
}
