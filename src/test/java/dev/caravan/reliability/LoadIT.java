package dev.caravan.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.jms.Connection;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.Ports;

/**
 * Issue 7, load and memory: a sustained load far larger than the broker's memory for an address, into a route slower
 * than its producer (one commit per message against the producer's one per hundred),
 * with nothing reading its output until the end. The broker pages to disk (broker-config/: max-size-bytes, PAGE), so
 * the heap stays bounded, the producer never sees an error, and every message arrives. Then a saturated broker (disk
 * at caravan.broker.max-disk-usage): JMS producers wait — back-pressure, not an error — and the HTTP gateway answers
 * 503 with Retry-After.
 */
class LoadIT {

    private static final int MESSAGES = 30_000;
    private static final String KIB = "x".repeat(1024);

    @Test
    void sustainedLoadPagesToDiskAndHeapStaysBounded() throws Exception {
        Path run = CaravanProcess.runDir("load-");
        Path routes = Files.createDirectories(run.resolve("routes"));
        Files.writeString(routes.resolve("load.camel.yaml"), """
                - route:
                    id: load-slow-relay
                    from:
                      uri: "jms:queue:load.in"
                      steps:
                        - to: "jms:queue:load.out"
                """);
        int httpPort = Ports.free();
        int brokerPort = Ports.free();
        // 4 MB per address in memory: 30 MB of messages must page.
        try (CaravanProcess caravan = CaravanProcess.start(run, routes, run.resolve("data"), httpPort, brokerPort,
                Map.of("caravan.broker.max-size", "4MB"))) {
            caravan.awaitReady(Duration.ofSeconds(90));
            AtomicLong heapMax = new AtomicLong();
            AtomicLong samples = new AtomicLong();
            CompletableFuture<Void> sampler = CompletableFuture.runAsync(() -> {
                while (!Thread.currentThread().isInterrupted() && samples.get() < 100_000) {
                    long heap = heapUsed(httpPort);
                    heapMax.accumulateAndGet(heap, Math::max);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            long started = System.nanoTime();
            try (Connection connection = Jms.core(brokerPort, "app", "app").createConnection()) {
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(session.createQueue("load.in"));
                for (int i = 0; i < MESSAGES; i++) {
                    producer.send(session.createTextMessage(i + ":" + KIB));
                    if (i % 100 == 99) {
                        session.commit(); // throws if the broker refused anything: the test fails
                    }
                }
                session.commit();
            }
            double producedSeconds = (System.nanoTime() - started) / 1e9;
            long paged = size(run.resolve("data/broker/paging"));
            assertThat(paged).as("the broker paged to disk instead of holding everything in memory").isPositive();

            // Everything arrives, once the reader comes.
            int received = 0;
            try (Connection connection = Jms.core(brokerPort, "app", "app").createConnection()) {
                connection.start();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageConsumer consumer = session.createConsumer(session.createQueue("load.out"));
                while (received < MESSAGES && consumer.receive(30_000) != null) {
                    received++;
                    if (received % 500 == 0) {
                        session.commit();
                    }
                }
                session.commit();
            }
            double totalSeconds = (System.nanoTime() - started) / 1e9;
            sampler.cancel(true);
            assertThat(received).as("messages out of the slow route").isEqualTo(MESSAGES);
            assertThat(caravan.output()).doesNotContain("OutOfMemoryError");
            String report = String.format(
                    "load: %,d × 1 KiB persistent into a route that commits each message, slower than the producer (4 MB per address in memory)"
                            + " in %.0f s (%.0f msg/s produced), all %,d out after %.0f s; paged %.0f MB at the peak of the"
                            + " check; heap max %.0f MB of 512 MB (%d samples); producer errors 0",
                    MESSAGES, producedSeconds,
                    MESSAGES / producedSeconds, received, totalSeconds, paged / 1e6, heapMax.get() / 1e6,
                    samples.get());
            System.out.println(report);
            Files.writeString(Path.of("target", "load-report.txt"), report + "\n");
            assertThat(heapMax.get()).as("heap stays well under the 512 MB maximum").isLessThan(400_000_000L);
            caravan.stop(Duration.ofSeconds(60));
        }
    }

    @Test
    void aSaturatedBrokerMakesProducersWaitAndTheGatewayAnswers503() throws Exception {
        Path run = CaravanProcess.runDir("saturated-");
        Path routes = Files.createDirectories(run.resolve("routes"));
        int httpPort = Ports.free();
        int brokerPort = Ports.free();
        // Any real disk is above 1 %: the broker considers its disk full from the first scan.
        try (CaravanProcess caravan = CaravanProcess.start(run, routes, run.resolve("data"), httpPort, brokerPort,
                Map.of("caravan.broker.max-disk-usage", "1", "caravan.broker.disk-scan-period", "200ms"))) {
            caravan.awaitReady(Duration.ofSeconds(90));
            await().atMost(Duration.ofSeconds(30)).until(() -> post(httpPort).statusCode() == 503);
            HttpResponse<String> refused = post(httpPort);
            assertThat(refused.headers().firstValue("Retry-After")).isPresent();
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/json"));
            assertThat(refused.body()).contains("\"error\"").contains("saturated");

            // A JMS producer is held back, not failed: its persistent send does not return while the disk is full.
            try (Connection connection = Jms.core(brokerPort, "app", "app").createConnection()) {
                Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                MessageProducer producer = session.createProducer(session.createQueue("saturated.in"));
                CompletableFuture<Void> send = CompletableFuture.runAsync(() -> {
                    try {
                        producer.send(session.createTextMessage("waits"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                });
                try {
                    send.get(3, TimeUnit.SECONDS);
                    throw new AssertionError("the send returned although the broker's disk is full");
                } catch (TimeoutException expected) {
                    assertThat(send).as("still waiting, no error").isNotDone();
                }
            }
            assertThat(caravan.output()).contains("AMQ222210"); // Artemis: storage usage is above max-disk-usage
        }
    }

    private static HttpResponse<String> post(int httpPort) throws Exception {
        return new LocalHttp(httpPort).post("/api/queues/saturated.in", "app", "app", "text/plain", "hello");
    }

    private static long heapUsed(int httpPort) {
        try {
            String metrics = new LocalHttp(httpPort).get("/q/metrics").body();
            return metrics.lines().filter(l -> l.startsWith("jvm_memory_used_bytes{area=\"heap\""))
                    .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
        } catch (Exception e) {
            return 0;
        }
    }

    private static long size(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
