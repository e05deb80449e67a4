package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;

class OpenLoopWrkTest {

    @Test
    void answerLinesBecomeCountsLatenciesAndTheLargestSendLag() {
        List<String> lines = List.of(
                "200 1000000 1500 0",
                "200 1010000 2500 300",
                "504 1020000 5000000 0",
                "200 - - -",
                "200 1030000 3500 120000",
                "200 1040000 -20 0"); // a clock step backwards: counted as 0, not negative

        OpenLoopLoad.Result r = OpenLoopWrk.summarize(8, Duration.ofMillis(10), 200, lines);

        assertThat(r.intended()).isEqualTo(8);
        assertThat(r.completed()).isEqualTo(4);
        assertThat(r.failed()).isEqualTo(2);
        assertThat(r.outstanding()).isEqualTo(2);
        assertThat(r.latencies().count()).isEqualTo(4);
        assertThat(r.latencies().maxMillis()).isBetween(3.49, 3.51);
        assertThat(r.latencies().percentileMillis(0)).isZero();
        assertThat(r.maxSendLagMillis()).isEqualTo(120.0);
        assertThat(r.firstFailure()).hasMessage("HTTP 504, expected 200");
        // From the first start (1.000 s) to the last answer (1.040 s), longer than the 10 ms schedule.
        assertThat(r.elapsed()).isEqualTo(Duration.ofMillis(40));
        assertThat(r.achievedRate()).isEqualTo(100.0);
    }

    @Test
    void elapsedIsAtLeastTheScheduleAndBadInputIsRefused() {
        OpenLoopLoad.Result r = OpenLoopWrk.summarize(2, Duration.ofSeconds(1), 200,
                List.of("200 0 1000 0", "200 5000 1000 0"));
        assertThat(r.elapsed()).isEqualTo(Duration.ofSeconds(1));

        assertThatThrownBy(() -> OpenLoopWrk.summarize(1, Duration.ofSeconds(1), 200,
                List.of("200 0 1000 0", "200 1 1000 0"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("2 answers to a schedule of 1");
        assertThatThrownBy(() -> OpenLoopWrk.summarize(1, Duration.ofSeconds(1), 200, List.of("200 0 1000")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'200 0 1000'");
        assertThatThrownBy(() -> new OpenLoopWrk("http://127.0.0.1:1/", 100, 4, Duration.ofMillis(1500),
                Duration.ofSeconds(1), "GET", Map.of(), null, 200)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new OpenLoopWrk("http://127.0.0.1:1/", 0, 4, Duration.ofSeconds(1),
                Duration.ofSeconds(1), "GET", Map.of(), null, 200)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void sendsExactlyTheScheduleWithItsRequestAndCountsEveryAnswer() throws Exception {
        assumeTrue(Wrk.available(), "wrk is not installed at " + Wrk.BINARY);
        Set<String> correlationIds = ConcurrentHashMap.newKeySet();
        AtomicReference<String> wrong = new AtomicReference<>();
        AtomicLong received = new AtomicLong();
        HttpServer server = server(exchange -> {
            long n = received.incrementAndGet();
            String id = exchange.getRequestHeaders().getFirst("X-Correlation-Id");
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            if (!"POST".equals(exchange.getRequestMethod()) || !"{\"n\": 1}".equals(body) || id == null
                    || !"application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
                wrong.compareAndSet(null, exchange.getRequestMethod() + " " + exchange.getRequestHeaders() + body);
            } else {
                correlationIds.add(id);
            }
            if (n % 25 == 0) {
                answer(exchange, 503, null); // without its correlation id: a failure
            } else {
                answer(exchange, n % 10 == 0 ? 500 : 200, id);
            }
        }, 8);
        try {
            OpenLoopLoad.Result r = new OpenLoopWrk(url(server), 200, 64, Duration.ofSeconds(1), Duration.ofSeconds(1),
                    "POST", Map.of("Content-Type", "application/json"), "{\"n\": 1}", 200).run();

            assertThat(wrong.get()).isNull();
            assertThat(received.get()).isEqualTo(200);
            assertThat(correlationIds).hasSize(200).allMatch(id -> id.matches("ol-0-\\d+-\\d+-\\d+"));
            assertThat(r.intended()).isEqualTo(200);
            assertThat(r.failed()).isEqualTo(20 + 8 - 4); // every 10th (500), every 25th (no id), 50/100/150/200 once
            assertThat(r.completed()).isEqualTo(200 - r.failed());
            assertThat(r.outstanding()).isZero();
            assertThat(r.latencies().count()).isEqualTo(r.completed());
        } finally {
            stop(server);
        }
    }

    @Test
    void aStallThatHoldsEveryConnectionShowsInTheLatenciesOfTheRequestsItDelayed() throws Exception {
        assumeTrue(Wrk.available(), "wrk is not installed at " + Wrk.BINARY);
        // The server answers nothing for its first 600 ms: the 16 connections' first requests wait, and so do the ~44
        // requests due after them meanwhile, which a closed-loop generator would never have sent. Their latencies
        // count from their due times, so some 40 of 200 (those due in the first 400 ms) are at least 200 ms.
        AtomicLong firstArrival = new AtomicLong();
        HttpServer server = server(exchange -> {
            firstArrival.compareAndSet(0, System.nanoTime());
            long left = firstArrival.get() + TimeUnit.MILLISECONDS.toNanos(600) - System.nanoTime();
            if (left > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(left); // the slow server under test, not synchronisation
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            answer(exchange, 200, exchange.getRequestHeaders().getFirst("X-Correlation-Id"));
        }, 16);
        try {
            OpenLoopLoad.Result r = new OpenLoopWrk(url(server), 100, 16, Duration.ofSeconds(2), Duration.ofSeconds(1),
                    "GET", Map.of(), null, 200).run();

            assertThat(r.completed()).isEqualTo(200);
            assertThat(r.latencies().percentileMillis(85)).isGreaterThanOrEqualTo(200);
            assertThat(r.maxSendLagMillis()).isGreaterThanOrEqualTo(200);
        } finally {
            stop(server);
        }
    }

    private static HttpServer server(HttpHandler handler, int threads) throws java.io.IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        server.setExecutor(pool);
        server.createContext("/", handler);
        server.start();
        return server;
    }

    private static void stop(HttpServer server) {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    private static String url(HttpServer server) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/load";
    }

    private static void answer(HttpExchange exchange, int status, String correlationId) throws java.io.IOException {
        if (correlationId != null) {
            exchange.getResponseHeaders().add("X-Correlation-Id", correlationId);
        }
        byte[] answer = "ok".getBytes(StandardCharsets.US_ASCII);
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }
}
