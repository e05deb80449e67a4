package dev.caravan.ops;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.stream.Stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.sun.management.HotSpotDiagnosticMXBean;

/**
 * Refuses to start Caravan on a JDK AOT cache ({@code -XX:AOTCache}, trained by {@code bin/aot-cache}) that is older
 * than the application beside it. The JVM takes Caravan's classes from the cache without comparing them with the jars
 * they came from (seen with JDK 25.0.3 and Quarkus' class loader: a class changed in the jar still ran as trained), so
 * a cache trained before the last build would run the previous build's code. Checked before Camel starts, so no route
 * runs such code; the fix is to train again or to start without the cache.
 */
@ApplicationScoped
public class AotCacheGuard {

    private static final Logger LOG = Logger.getLogger(AotCacheGuard.class);

    /** The application's first CDI event: before Camel, the broker or any route starts. */
    void onStart(@Observes @Initialized(ApplicationScoped.class) Object event) {
        Optional<Path> cache = aotCache();
        if (cache.isEmpty()) {
            return;
        }
        Optional<String> stale = staleness(cache.get(), Path.of(System.getProperty("java.class.path", "")));
        if (stale.isPresent()) {
            LOG.error(stale.get());
            throw new IllegalStateException(stale.get());
        }
        LOG.infof("Starting with the AOT cache %s", cache.get());
    }

    /** The cache this JVM was started with, if any (the option exists from JDK 24 on). */
    static Optional<Path> aotCache() {
        try {
            String value = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("AOTCache")
                    .getValue();
            return value.isBlank() ? Optional.empty() : Optional.of(Path.of(value));
        } catch (IllegalArgumentException noSuchOption) {
            return Optional.empty(); // a JDK before 24: no AOT cache
        }
    }

    /**
     * Why {@code cache} must not be used with the application started from {@code runnerJar} (the packaged
     * {@code quarkus-run.jar}, whose directory holds the application's jars), or empty when it is newer than all of
     * them.
     */
    static Optional<String> staleness(Path cache, Path runnerJar) {
        if (!runnerJar.toString().endsWith(".jar") || runnerJar.toString().contains(File.pathSeparator)) {
            return Optional.empty(); // not the packaged application (tests, IDE): nothing to compare
        }
        if (!Files.isRegularFile(cache)) {
            return Optional.empty(); // no such cache: the JVM started without one
        }
        try {
            FileTime trained = Files.getLastModifiedTime(cache);
            Path cacheFile = cache.toAbsolutePath();
            Path application = runnerJar.toAbsolutePath().getParent();
            try (Stream<Path> files = Files.walk(application)) {
                Optional<Path> newer = files.filter(Files::isRegularFile)
                        .filter(file -> !file.equals(cacheFile))
                        .filter(file -> modified(file).compareTo(trained) > 0)
                        .findFirst();
                return newer.map(file -> "The AOT cache " + cache + " was trained before the application was last"
                        + " built (" + file + " is newer): it would run the previous build's code. Train it again"
                        + " with bin/aot-cache, or start without -XX:AOTCache.");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static FileTime modified(Path file) {
        try {
            return Files.getLastModifiedTime(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
