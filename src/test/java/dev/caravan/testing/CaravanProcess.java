package dev.caravan.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Caravan as a separate process, started from the packaged jar ({@code target/quarkus-app/quarkus-run.jar}) for tests
 * that stop, kill or restart it. Output goes to a log file under the run directory.
 */
public final class CaravanProcess implements AutoCloseable {

    private final Process process;
    private final int httpPort;
    private final int brokerPort;
    private final Path log;

    private CaravanProcess(Process process, int httpPort, int brokerPort, Path log) {
        this.process = process;
        this.httpPort = httpPort;
        this.brokerPort = brokerPort;
        this.log = log;
    }

    /** A new directory for one test's process (routes, data, log) under target/caravan-it/. */
    public static Path runDir(String prefix) {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target", "caravan-it")), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * One test's process layout: a new run directory with its {@code routes/} (created) and {@code data/}, and two free
     * ports; restarts on the same layout keep data and ports.
     */
    public record Layout(Path run, Path routes, Path data, int httpPort, int brokerPort) {

        public static Layout create(String prefix) {
            Path run = runDir(prefix);
            return new Layout(run, created(run.resolve("routes")), run.resolve("data"), Ports.free(), Ports.free());
        }

        /** Starts Caravan on this layout. */
        public CaravanProcess start() {
            return start(routes);
        }

        /** Starts Caravan on this layout's data and ports with another routes directory. */
        public CaravanProcess start(Path routesDir) {
            return CaravanProcess.start(run, routesDir, data, httpPort, brokerPort, Map.of());
        }

        /** A directory beside {@code routes/}, created, e.g. an empty one to restart without the test's routes. */
        public Path directory(String name) {
            return created(run.resolve(name));
        }

        private static Path created(Path dir) {
            try {
                return Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public static Path jar() {
        String jar = System.getProperty("caravan.app.jar", "target/quarkus-app/quarkus-run.jar");
        Path path = Path.of(jar);
        if (!Files.isRegularFile(path)) {
            throw new IllegalStateException(path + " is missing: run the packaged-jar tests with mvn verify");
        }
        return path;
    }

    /** Starts Caravan (profile dev: embedded broker) with the given directories, ports and extra properties. */
    public static CaravanProcess start(Path runDir, Path routesDir, Path dataDir, int httpPort, int brokerPort,
            Map<String, String> properties) {
        return start(runDir, routesDir, dataDir, httpPort, brokerPort, properties, Map.of());
    }

    /** As above, with extra environment variables (passwords, the way a Kubernetes Secret hands them over). */
    public static CaravanProcess start(Path runDir, Path routesDir, Path dataDir, int httpPort, int brokerPort,
            Map<String, String> properties, Map<String, String> environment) {
        return start(Jvm.current(), runDir, routesDir, dataDir, httpPort, brokerPort, properties, environment);
    }

    /** The Java that runs Caravan and JVM flags added to the run command's (e.g. a JDK 25 and its AOT cache). */
    public record Jvm(Path java, List<String> flags) {

        /** The Java running the tests, no extra flags. */
        public static Jvm current() {
            return new Jvm(Path.of(System.getProperty("java.home"), "bin", "java"), List.of());
        }
    }

    /** As above, on the given Java with extra JVM flags. */
    public static CaravanProcess start(Jvm jvm, Path runDir, Path routesDir, Path dataDir, int httpPort,
            int brokerPort, Map<String, String> properties, Map<String, String> environment) {
        try {
            Files.createDirectories(runDir);
            Path log = Files.createTempFile(runDir, "caravan-", ".log");
            List<String> command = new ArrayList<>(List.of(jvm.java().toString(),
                    // The README's run command: serial collector, a heap that starts small.
                    "-XX:+UseSerialGC", "-Xms32m", "-Xmx512m"));
            command.addAll(jvm.flags());
            command.addAll(List.of(
                    "-Dquarkus.profile=dev",
                    "-Dquarkus.http.port=" + httpPort,
                    "-Dcaravan.broker.port=" + brokerPort,
                    "-Dcaravan.routes.dir=" + routesDir.toAbsolutePath(),
                    "-Dcaravan.data.dir=" + dataDir.toAbsolutePath()));
            properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
            command.add("-jar");
            command.add(jar().toAbsolutePath().toString());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new CaravanProcess(process, httpPort, brokerPort, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int brokerPort() {
        return brokerPort;
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until readiness is UP; fails with the process output if it exits or takes too long. */
    public CaravanProcess awaitReady(Duration timeout) {
        return awaitReady(timeout, URI.create("http://127.0.0.1:" + httpPort + "/q/health/ready"),
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build());
    }

    /** Waits until {@code readiness} answers 200 to {@code http} (e.g. over HTTPS with a test CA). */
    public CaravanProcess awaitReady(Duration timeout, URI readiness, HttpClient http) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("Caravan exited with " + process.exitValue() + ":\n" + output());
            }
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(readiness).build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return this;
    }

    /** SIGTERM, then waits for a clean exit. */
    public int stop(Duration timeout) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("Caravan did not stop within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** Waits for the process to exit on its own; returns its exit code. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("Caravan did not exit within " + timeout + ":\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hooks, nothing flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
