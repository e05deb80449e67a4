package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AotCacheGuardTest {

    @TempDir
    Path dir;

    @Test
    void aCacheTrainedAfterTheBuildIsUsedWhereverItIsKept() throws Exception {
        Path jar = application(Instant.parse("2026-12-03T10:00:00Z"));
        Instant trained = Instant.parse("2026-12-03T10:05:00Z");

        assertThat(AotCacheGuard.staleness(file(dir.resolve("caravan.aot"), trained), jar)).isEmpty();
        // inside the application's directory, the cache is not one of the application's files
        assertThat(AotCacheGuard.staleness(file(dir.resolve("quarkus-app/caravan.aot"), trained), jar)).isEmpty();
    }

    @Test
    void aCacheOlderThanAnyJarOfTheApplicationIsRefusedWithTheReason() throws Exception {
        Path jar = application(Instant.parse("2026-12-03T10:00:00Z"));
        Path cache = file(dir.resolve("caravan.aot"), Instant.parse("2026-12-03T10:05:00Z"));
        Path rebuilt = file(dir.resolve("quarkus-app/app/caravan.jar"), Instant.parse("2026-12-03T11:00:00Z"));

        assertThat(AotCacheGuard.staleness(cache, jar)).hasValueSatisfying(reason -> assertThat(reason)
                .contains(cache.toString(), rebuilt.toString(), "previous build's code", "bin/aot-cache"));
    }

    @Test
    void nothingToCompareOutsideThePackagedApplicationOrWithoutACacheFile() throws Exception {
        Path jar = application(Instant.parse("2026-12-03T10:00:00Z"));
        Path cache = file(dir.resolve("caravan.aot"), Instant.parse("2026-12-03T09:00:00Z"));

        assertThat(AotCacheGuard.staleness(cache, Path.of("target/classes:target/test-classes"))).isEmpty();
        assertThat(AotCacheGuard.staleness(dir.resolve("missing.aot"), jar)).isEmpty();
        assertThat(AotCacheGuard.staleness(cache, jar)).isPresent();
    }

    @Test
    void thisJvmHasNoAotCache() {
        assertThat(AotCacheGuard.aotCache()).isEmpty();
    }

    private Path application(Instant built) throws Exception {
        file(dir.resolve("quarkus-app/app/caravan.jar"), built);
        file(dir.resolve("quarkus-app/lib/main/camel-core.jar"), built);
        return file(dir.resolve("quarkus-app/quarkus-run.jar"), built);
    }

    private static Path file(Path path, Instant modified) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "x");
        Files.setLastModifiedTime(path, FileTime.from(modified));
        return path;
    }
}
