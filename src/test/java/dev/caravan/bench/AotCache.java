package dev.caravan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.caravan.testing.CaravanProcess;

/**
 * The JDK's ahead-of-time cache for the packaged jar (JDK 25 or later), trained by the shipped {@code bin/aot-cache}:
 * (i) measures Caravan's start with it beside the run command's, and the smoke test keeps the script working.
 */
final class AotCache {

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    private AotCache() {
    }

    /**
     * A Java that can use an AOT cache: {@code -Dcaravan.bench.aot-java=/path/to/bin/java}, else the newest JDK 25 or
     * later under /usr/lib/jvm (this machine's second JDK, see the README).
     */
    static Optional<Path> java() throws IOException {
        String configured = System.getProperty("caravan.bench.aot-java", "");
        if (!configured.isBlank()) {
            return Optional.of(Path.of(configured));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> Files.isExecutable(home.resolve("bin/java")))
                    .filter(home -> featureVersion(home) >= 25)
                    .max(Comparator.comparingInt((Path home) -> featureVersion(home)).thenComparing(Path::toString))
                    .map(home -> home.resolve("bin/java"));
        }
    }

    /** The feature version in a JDK's {@code release} file, or 0 when it has none. */
    static int featureVersion(Path javaHome) {
        try {
            return featureVersion(Files.readString(javaHome.resolve("release")));
        } catch (IOException e) {
            return 0;
        }
    }

    static int featureVersion(String releaseFile) {
        Matcher version = JAVA_VERSION.matcher(releaseFile);
        if (!version.find()) {
            return 0;
        }
        int feature = Integer.parseInt(version.group(1));
        return feature == 1 ? 8 : feature; // "1.8.0_..." is Java 8
    }

    /** Trains a cache for the packaged jar with {@code bin/aot-cache}, written to {@code out}. */
    static Path train(Path java, Path out) throws IOException, InterruptedException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path log = out.resolveSibling(out.getFileName() + ".training-output.txt");
        ProcessBuilder builder = new ProcessBuilder("bin/aot-cache", java.toString()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("CARAVAN_AOT_CACHE", out.toAbsolutePath().toString());
        Process training = builder.start();
        if (!training.waitFor(5, TimeUnit.MINUTES)) {
            training.destroyForcibly().waitFor();
            throw new IllegalStateException("bin/aot-cache took over 5 minutes:\n" + Files.readString(log));
        }
        if (training.exitValue() != 0) {
            throw new IllegalStateException("bin/aot-cache failed (" + training.exitValue() + "):\n"
                    + Files.readString(log));
        }
        return out;
    }

    /** Caravan on the given Java with the cache: {@code -XX:AOTMode=on}, so an unusable cache fails the start. */
    static CaravanProcess.Jvm jvm(Path java, Path cache) {
        return new CaravanProcess.Jvm(java, List.of("-XX:AOTMode=on", "-XX:AOTCache=" + cache.toAbsolutePath()));
    }
}
