package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.function.LongSupplier;

import org.junit.jupiter.api.Test;

/** Unit test of the benchmark's wait for the JIT to go quiet after its warm-up. */
class JitQuietTest {

    /** Accumulated compile time as a JVM would report it, one reading per poll; the last value repeats. */
    private static LongSupplier readings(Long... values) {
        Iterator<Long> it = List.of(values).iterator();
        long[] last = {0};
        return () -> it.hasNext() ? (last[0] = it.next()) : last[0];
    }

    @Test
    void waitsUntilAWindowCompilesNoMoreThanTheQuietAmount() {
        // Busy (+900, +400 ms), then +30 ms: quiet at the third window.
        JitQuiet.Result result = JitQuiet.await(readings(1_000L, 1_900L, 2_300L, 2_330L, 9_999L),
                Duration.ofMillis(10), 50, Duration.ofSeconds(5));
        assertThat(result.quiet()).isTrue();
        assertThat(result.compileMillis()).as("compile time spent while waiting").isEqualTo(1_330);
    }

    @Test
    void givesUpAfterTheLongestWaitWhenTheCompilersNeverSettle() {
        long[] compiled = {0};
        JitQuiet.Result result = JitQuiet.await(() -> compiled[0] += 500, Duration.ofMillis(10), 50,
                Duration.ofMillis(200));
        assertThat(result.quiet()).isFalse();
        assertThat(result.waited()).isGreaterThanOrEqualTo(Duration.ofMillis(200));
    }

    @Test
    void readsThisJvmsCompilers() {
        JitQuiet.Result result = JitQuiet.await(Duration.ofSeconds(2));
        assertThat(result.compileMillis()).as("compile time is reported and only grows").isNotNegative();
        assertThat(result.waited()).isGreaterThanOrEqualTo(Duration.ofSeconds(1)).isLessThan(Duration.ofSeconds(10));
    }
}
