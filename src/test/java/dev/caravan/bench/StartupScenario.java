package dev.caravan.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ActiveMQClient;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.Ports;

/**
 * (i) The packaged jar as operators run it, with the shipped route files: time from process start to ready, resident
 * memory when idle, and peak resident memory after a queue-to-queue load like (c).
 */
final class StartupScenario {

    /** One start: seconds to ready, idle RSS and peak RSS in MB, and the rate of the load run. */
    record Start(double secondsToReady, double idleRssMB, double peakRssMB, double loadRate) {
    }

    private final Path workDir;
    private final Duration idleWait;

    StartupScenario(Path workDir, Duration idleWait) {
        this.workDir = workDir;
        this.idleWait = idleWait;
    }

    static boolean available() {
        return Files.isRegularFile(Path.of(System.getProperty("caravan.app.jar",
                "target/quarkus-app/quarkus-run.jar")));
    }

    /** A start with the run command's Java and flags, then a (c) load of {@code loadMessages}. */
    Start run(int loadMessages, int consumers) throws Exception {
        return run(CaravanProcess.Jvm.current(), loadMessages, consumers);
    }

    /**
     * A start on the given Java and extra flags; with {@code loadMessages} 0 no load runs, and the peak RSS and rate
     * are 0.
     */
    Start run(CaravanProcess.Jvm jvm, int loadMessages, int consumers) throws Exception {
        Path run = Files.createTempDirectory(Files.createDirectories(workDir), "startup-");
        Path routes = Files.createDirectories(run.resolve("routes"));
        try (Stream<Path> shipped = Files.list(Path.of("routes"))) {
            for (Path file : shipped.toList()) {
                Files.copy(file, routes.resolve(file.getFileName()));
            }
        }
        Files.writeString(routes.resolve("bench-bridge.camel.yaml"), """
                - route:
                    id: bench-bridge
                    from:
                      uri: "jms:queue:bench.caravan.in"
                      parameters:
                        concurrentConsumers: %d
                      steps:
                        - to: "jms:queue:bench.caravan.out"
                """.formatted(consumers));
        int httpPort = Ports.free();
        int brokerPort = Ports.free();
        long started = System.nanoTime();
        try (CaravanProcess caravan = CaravanProcess.start(jvm, run, routes, run.resolve("data"), httpPort,
                brokerPort, Map.of(), Map.of())) {
            awaitReady(caravan, httpPort);
            double toReady = (System.nanoTime() - started) / 1e9;
            Thread.sleep(idleWait.toMillis()); // the idle period being measured, not synchronisation
            double idle = rssMB(caravan.pid(), "VmRSS");
            double rate = loadMessages == 0 ? 0 : load(brokerPort, loadMessages);
            double peak = loadMessages == 0 ? 0 : rssMB(caravan.pid(), "VmHWM");
            caravan.stop(Duration.ofSeconds(60));
            return new Start(toReady, idle, peak, rate);
        }
    }

    private static void awaitReady(CaravanProcess caravan, int httpPort) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"))
                .build();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(10); // polling interval of the measurement
        }
        throw new IllegalStateException("Caravan not ready in 120 s:\n" + caravan.output());
    }

    private static double load(int brokerPort, int messages) throws Exception {
        byte[] payload = new byte[1024];
        Preload.send(Jms.core(brokerPort, "admin", "admin"), false, "bench.caravan.in", messages, i -> payload);
        long started = System.nanoTime();
        try (ServerLocator locator = ActiveMQClient.createServerLocator("tcp://127.0.0.1:" + brokerPort);
                ClientSessionFactory factory = locator.createSessionFactory();
                ClientSession session = factory.createSession("admin", "admin", false, true, true, false, 0)) {
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (session.queueQuery(SimpleString.of("bench.caravan.out")).getMessageCount() < messages) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the load did not go through in 5 minutes");
                }
                Thread.sleep(5); // polling interval of the measurement
            }
        }
        return messages / ((System.nanoTime() - started) / 1e9);
    }

    /** A line of /proc/<pid>/status (kB), in MB (10^6 bytes, the unit of the targets). */
    static double rssMB(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024 / 1e6;
            }
        }
        throw new IllegalStateException(field + " not in /proc/" + pid + "/status");
    }
}
