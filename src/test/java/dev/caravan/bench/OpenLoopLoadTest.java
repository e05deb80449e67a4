package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

class OpenLoopLoadTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void immediateRequestsAllCompleteAtTheRequestedRateWithTinyLatencies() throws Exception {
        OpenLoopLoad load = new OpenLoopLoad(1000, Duration.ofMillis(300), Duration.ofSeconds(1));
        long before = System.nanoTime();

        OpenLoopLoad.Result result = load.run(() -> CompletableFuture.completedFuture(null));

        long tookNanos = System.nanoTime() - before;
        assertThat(result.intended()).isEqualTo(300);
        assertThat(result.completed()).isCloseTo(300L, within(1L));
        assertThat(result.failed()).isZero();
        assertThat(result.outstanding()).isZero();
        assertThat(result.latencies().count()).isEqualTo(result.completed());
        assertThat(result.latencies().percentileMillis(50)).isLessThan(1.0);
        // paced, not blasted: the run lasts its duration
        assertThat(tookNanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(299));
        assertThat(result.achievedRate()).isBetween(800.0, 1010.0);
    }

    @Test
    void asyncStallShowsInTheLatenciesWhileTheSchedulerKeepsItsPace() throws Exception {
        // Every answer waits for a gate that opens 200 ms in: like a server that stalls, then catches up.
        CompletableFuture<Void> gate = new CompletableFuture<>();
        timer.schedule(() -> gate.complete(null), 200, TimeUnit.MILLISECONDS);
        OpenLoopLoad load = new OpenLoopLoad(1000, Duration.ofMillis(500), Duration.ofSeconds(2));

        OpenLoopLoad.Result result = load.run(() -> gate.thenApply(v -> v));

        assertThat(result.intended()).isEqualTo(500);
        assertThat(result.completed()).isEqualTo(500);
        // ~200 of 500 requests waited for up to 200 ms: the top 1% waited almost all of it
        assertThat(result.latencies().percentileMillis(99)).isGreaterThanOrEqualTo(150);
        assertThat(result.latencies().maxMillis()).isGreaterThanOrEqualTo(150);
        assertThat(result.latencies().percentileMillis(50)).isLessThan(50);
        assertThat(result.maxSendLagMillis()).isLessThan(100);
    }

    @Test
    void stallInsideSendIsChargedToEveryRequestItDelayed() throws Exception {
        // The first send() blocks for ~200 ms (a synchronous client stall): the scheduler falls behind, then sends the
        // overdue requests at once. A closed-loop tool would record one slow request; here ~200 are slow.
        CountDownLatch gate = new CountDownLatch(1);
        timer.schedule(gate::countDown, 200, TimeUnit.MILLISECONDS);
        AtomicInteger calls = new AtomicInteger();
        OpenLoopLoad load = new OpenLoopLoad(1000, Duration.ofMillis(500), Duration.ofSeconds(2));

        OpenLoopLoad.Result result = load.run(() -> {
            if (calls.getAndIncrement() == 0) {
                await(gate);
            }
            return CompletableFuture.completedFuture(null);
        });

        assertThat(result.completed()).isEqualTo(500);
        assertThat(result.maxSendLagMillis()).isGreaterThanOrEqualTo(150);
        assertThat(result.latencies().percentileMillis(99)).isGreaterThanOrEqualTo(150);
        assertThat(result.latencies().percentileMillis(90)).isGreaterThanOrEqualTo(50);
    }

    @Test
    void aStallFillsTheInFlightBoundAndTheSchedulerWaitsForSlotsCountingTheWait() throws Exception {
        // Answers wait for a gate that opens 200 ms in; at most 5 requests may be out meanwhile.
        CompletableFuture<Void> gate = new CompletableFuture<>();
        timer.schedule(() -> gate.complete(null), 200, TimeUnit.MILLISECONDS);
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostInFlight = new AtomicInteger();
        OpenLoopLoad load = new OpenLoopLoad(1000, Duration.ofMillis(300), Duration.ofSeconds(2), 5);

        OpenLoopLoad.Result result = load.run(() -> {
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return gate.thenApply(v -> v).whenComplete((v, e) -> inFlight.decrementAndGet());
        });

        assertThat(mostInFlight.get()).isEqualTo(5);
        assertThat(result.completed()).isEqualTo(300);
        assertThat(result.outstanding()).isZero();
        // the scheduler waited for the stall to pass: that wait is in the latencies and in the send lag
        assertThat(result.maxSendLagMillis()).isGreaterThanOrEqualTo(150);
        // requests due in the first 200 ms waited for it (up to 200 ms), those after it did not: a quarter waited >= 100
        assertThat(result.latencies().percentileMillis(75)).isGreaterThanOrEqualTo(100);
        assertThatThrownBy(() -> new OpenLoopLoad(1, Duration.ZERO, Duration.ZERO, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void failuresAreCountedAndNotRecordedAsLatencies() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        OpenLoopLoad load = new OpenLoopLoad(1000, Duration.ofMillis(200), Duration.ofSeconds(1));

        OpenLoopLoad.Result result = load.run(() -> {
            int i = calls.getAndIncrement();
            if (i % 10 == 0) {
                throw new IllegalStateException("send " + i + " threw");
            }
            return i % 2 == 1
                    ? CompletableFuture.failedFuture(new IOException("call " + i + " failed"))
                    : CompletableFuture.completedFuture(null);
        });

        assertThat(result.intended()).isEqualTo(200);
        assertThat(result.failed()).isEqualTo(120); // 100 odd + 20 multiples of 10
        assertThat(result.completed()).isEqualTo(80);
        assertThat(result.latencies().count()).isEqualTo(80);
        assertThat(result.firstFailure()).hasMessage("send 0 threw");
    }

    @Test
    void requestsStillOutstandingAtTheDrainTimeoutAreReportedAndIgnoredAfterwards() throws Exception {
        CompletableFuture<Object> never = new CompletableFuture<>();
        AtomicInteger calls = new AtomicInteger();
        OpenLoopLoad load = new OpenLoopLoad(100, Duration.ofMillis(100), Duration.ofMillis(100));

        OpenLoopLoad.Result result = load
                .run(() -> calls.getAndIncrement() == 4 ? never : CompletableFuture.completedFuture(null));
        never.complete(null);

        assertThat(result.intended()).isEqualTo(10);
        assertThat(result.completed()).isEqualTo(9);
        assertThat(result.outstanding()).isEqualTo(1);
        assertThat(result.latencies().count()).isEqualTo(9);
    }

    @Test
    void httpRequestFailsOnAnUnexpectedStatus() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/ok") ? 200 : 503, -1);
            exchange.close();
        });
        server.start();
        try {
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            OpenLoopLoad load = new OpenLoopLoad(100, Duration.ofMillis(200), Duration.ofSeconds(5));

            OpenLoopLoad.Result ok = load
                    .run(OpenLoopLoad.http(client, HttpRequest.newBuilder(URI.create(base + "/ok")).build(), 200));
            OpenLoopLoad.Result bad = load
                    .run(OpenLoopLoad.http(client, HttpRequest.newBuilder(URI.create(base + "/bad")).build(), 200));

            assertThat(ok.completed()).isEqualTo(20);
            assertThat(ok.failed()).isZero();
            assertThat(bad.completed()).isZero();
            assertThat(bad.failed()).isEqualTo(20);
            assertThat(bad.firstFailure()).hasMessageContaining("HTTP 503");
        } finally {
            server.stop(0);
        }
    }

    private static void await(CountDownLatch gate) {
        try {
            gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
