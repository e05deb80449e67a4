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
 * The class cache the shipped {@code bin/aot-cache} trains for the packaged jar: a dynamic CDS archive on JDK 17, the
 * AOT cache on JDK 25 or later. (i) measures Caravan's start with it beside the run command's, and the smoke test keeps
 * the script working.
 */
final class AotCache {

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)");

    /** The cache flag in the start command bin/aot-cache prints. */
    private static final Pattern USE_FLAG = Pattern.compile("-XX:(AOTCache|SharedArchiveFile)=\\S+");

    private AotCache() {
    }

    /**
     * A JDK 25 or later: {@code -Dcaravan.bench.aot-java=/path/to/bin/java}, else the newest under /usr/lib/jvm (this
     * machine's second JDK, see the README).
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
            return homes.map(home -> home.resolve("bin/java"))
                    .filter(Files::isExecutable)
                    .filter(java -> featureVersion(java) >= 25)
                    .max(Comparator.comparingInt((Path java) -> featureVersion(java)).thenComparing(Path::toString));
        }
    }

    /** The feature version of a {@code bin/java}, from its JDK's {@code release} file; 0 when it has none. */
    static int featureVersion(Path java) {
        try {
            return featureVersion(Files.readString(java.toAbsolutePath().getParent().getParent().resolve("release")));
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

    /**
     * Trains the cache for {@code java} with {@code bin/aot-cache}, written to {@code out}, and returns Caravan on
     * {@code java} with the flag the script says to start with ({@code -XX:AOTCache} or {@code -XX:SharedArchiveFile}:
     * the script alone decides which kind a Java gets), told to use it or fail: an unusable cache or archive fails the
     * start instead of going unnoticed.
     */
    static CaravanProcess.Jvm train(Path java, Path out) throws IOException, InterruptedException {
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
        String output = Files.readString(log);
        if (training.exitValue() != 0) {
            throw new IllegalStateException("bin/aot-cache failed (" + training.exitValue() + "):\n" + output);
        }
        Matcher use = USE_FLAG.matcher(output);
        if (!use.find()) {
            throw new IllegalStateException("bin/aot-cache printed no start command:\n" + output);
        }
        String mustUse = use.group(1).equals("AOTCache") ? "-XX:AOTMode=on" : "-Xshare:on";
        return new CaravanProcess.Jvm(java, List.of(mustUse, use.group()));
    }
}
