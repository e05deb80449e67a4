package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.caravan.testing.CaravanProcess;

/** Smoke run of the benchmark's start-up scenario (i) against the packaged jar, so it cannot rot. No timing asserted. */
class StartupScenarioIT {

    private final StartupScenario scenario = new StartupScenario(Path.of("target", "caravan-it"),
            Duration.ofMillis(200));

    @Test
    void startsMeasuresMemoryAndMovesALoad() throws Exception {
        StartupScenario.Start start = scenario.run(200, 2);
        assertThat(start.secondsToReady()).isPositive();
        assertThat(start.idleRssMB()).isPositive();
        assertThat(start.peakRssMB()).isGreaterThanOrEqualTo(start.idleRssMB());
        assertThat(start.loadRate()).isPositive();
    }

    /**
     * bin/aot-cache trains, for the run command's Java (JDK 17 here), a CDS archive that a start then uses:
     * {@code -Xshare:on} makes the JVM refuse to start on an archive it cannot map, so a start that gets ready proves
     * it was used.
     */
    @Test
    void theShippedScriptTrainsACdsArchiveForTheRunCommandsJava() throws Exception {
        Path java = CaravanProcess.Jvm.current().java();
        assumeTrue(AotCache.featureVersion(java) < 25, "the test JVM is a JDK 25: the AOT cache test covers it");
        CaravanProcess.Jvm withArchive = AotCache.train(java, Path.of("target", "caravan-it", "caravan.jsa"));

        StartupScenario.Start start = scenario.run(withArchive, 200, 2);
        assertThat(start.secondsToReady()).isPositive();
        assertThat(start.loadRate()).isPositive();
    }

    /**
     * On a JDK 25 bin/aot-cache trains the AOT cache, which a start then uses ({@code -XX:AOTMode=on}: the JVM refuses
     * to start on a cache it cannot map). A cache older than the build is refused by Caravan itself, before Camel
     * starts: the JVM would run the classes it holds, the previous build's code ({@code AotCacheGuard}).
     */
    @Test
    void theShippedScriptTrainsAnAotCacheThatAStartUses() throws Exception {
        Optional<Path> java = AotCache.java();
        assumeTrue(java.isPresent(), "no JDK 25 or later here (-Dcaravan.bench.aot-java)");
        Path cache = Path.of("target", "caravan-it", "caravan.aot");
        CaravanProcess.Jvm withCache = AotCache.train(java.get(), cache);
        assertThat(Files.size(cache)).isPositive();

        StartupScenario.Start start = scenario.run(withCache, 200, 2);
        assertThat(start.secondsToReady()).isPositive();
        assertThat(start.loadRate()).isPositive();

        FileTime built = Files.getLastModifiedTime(CaravanProcess.jar());
        Files.setLastModifiedTime(cache, FileTime.fromMillis(built.toMillis() - Duration.ofHours(1).toMillis()));
        CaravanProcess.Layout layout = CaravanProcess.Layout.create("aot-stale-");
        try (CaravanProcess stale = CaravanProcess.start(withCache, layout.run(),
                layout.routes(), layout.data(), layout.httpPort(), layout.brokerPort(), Map.of(), Map.of())) {
            assertThat(stale.awaitExit(Duration.ofSeconds(60))).isNotZero();
            assertThat(stale.output()).contains("was trained before the application was last built",
                    "Train it again with bin/aot-cache").doesNotContain("Apache Camel 4");
        }
    }
}
