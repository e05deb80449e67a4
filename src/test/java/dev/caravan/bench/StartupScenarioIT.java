package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;

/** Smoke run of the benchmark's start-up scenario (i) against the packaged jar, so it cannot rot. No timing asserted. */
class StartupScenarioIT {

    @Test
    void startsMeasuresMemoryAndMovesALoad() throws Exception {
        StartupScenario.Start start = new StartupScenario(Path.of("target", "caravan-it"), Duration.ofMillis(200))
                .run(200, 2);
        assertThat(start.secondsToReady()).isPositive();
        assertThat(start.idleRssMB()).isPositive();
        assertThat(start.peakRssMB()).isGreaterThanOrEqualTo(start.idleRssMB());
        assertThat(start.loadRate()).isPositive();
    }
}
