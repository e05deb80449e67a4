package dev.caravan.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.caravan.routing.RouteFileLoader;
import dev.caravan.routing.RouteFileStatus;

/** Writes route files the way editors and deploy tools do (write aside, then rename) and waits for Caravan. */
public final class RouteFiles {

    private final RouteFileLoader loader;

    /** A route file with one route that moves every message of {@code from} to {@code to}, unchanged. */
    public static String relay(String id, String from, String to) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "jms:queue:%s"
                      steps:
                        - to: "jms:queue:%s"
                """.formatted(id, from, to);
    }

    public RouteFiles(RouteFileLoader loader) {
        this.loader = loader;
    }

    public Path dir() {
        return loader.directory();
    }

    /** Writes the file atomically and returns the instant just before, to wait for a newer status. */
    public Instant write(String name, String yaml) {
        Instant before = Instant.now();
        try {
            Path tmp = Files.createTempFile(dir(), ".tmp-", ".part");
            Files.writeString(tmp, yaml);
            Files.move(tmp, dir().resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return before;
    }

    public void delete(String name) {
        try {
            Files.deleteIfExists(dir().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<RouteFileStatus> status(String name) {
        return loader.statuses().stream().filter(s -> s.file().equals(name)).findFirst();
    }

    /** Waits until the file has a status newer than {@code since} and returns it. */
    public RouteFileStatus awaitStatus(String name, Instant since) {
        return await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> status(name).filter(s -> !s.changedAt().isBefore(since)).orElse(null),
                        s -> s != null);
    }

    /** Writes the file and waits until it is loaded; fails with the file's error otherwise. */
    public RouteFileStatus deploy(String name, String yaml) {
        RouteFileStatus status = awaitStatus(name, write(name, yaml));
        if (status.failed()) {
            throw new AssertionError("route file " + name + " failed: " + status.error());
        }
        return status;
    }

    /** Deletes the file and waits until Caravan has forgotten it. */
    public void undeploy(String name) {
        delete(name);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                .until(() -> status(name).isEmpty());
    }
}
