package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LatenciesTest {

    private static final long MS = 1_000_000L;

    @Test
    void knownDataGivesItsPercentilesWithinHdrPrecision() {
        Latencies latencies = new Latencies();
        for (long ms = 1; ms <= 1000; ms++) {
            latencies.record(ms * MS);
        }

        assertThat(latencies.count()).isEqualTo(1000);
        // 3 significant digits: each value is within 0.1% of the recorded one.
        assertThat(latencies.percentileMillis(50)).isCloseTo(500, within(0.5));
        assertThat(latencies.percentileMillis(99)).isCloseTo(990, within(1.0));
        assertThat(latencies.percentileMillis(99.9)).isCloseTo(999, within(1.0));
        assertThat(latencies.percentileMillis(100)).isCloseTo(1000, within(1.0));
        assertThat(latencies.maxMillis()).isCloseTo(1000, within(1.0));
        assertThat(latencies.meanMillis()).isCloseTo(500.5, within(0.5));
    }

    @Test
    void emptyRecorderReadsZeroAndHasNoDistribution() {
        Latencies latencies = new Latencies();

        assertThat(latencies.count()).isZero();
        assertThat(latencies.percentileMillis(50)).isZero();
        assertThat(latencies.percentileMillis(99.9)).isZero();
        assertThat(latencies.maxMillis()).isZero();
        assertThat(latencies.meanMillis()).isZero();
        assertThat(latencies.distribution()).isEmpty();
        assertThat(latencies.toString()).contains("n=0");
    }

    @Test
    void distributionAscendsAndStopsAtTheCap() {
        Latencies latencies = new Latencies();
        for (long ms = 1; ms <= 100_000; ms++) {
            latencies.record(ms * 10_000); // 0.01 ms .. 1000 ms
        }

        List<Latencies.Point> points = latencies.distribution();

        assertThat(points).hasSizeGreaterThan(20);
        assertThat(points.get(points.size() - 1).percentile()).isEqualTo(Latencies.DISTRIBUTION_CAP);
        assertThat(points.get(points.size() - 1).millis()).isCloseTo(999.9, within(1.0));
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i).percentile()).isGreaterThan(points.get(i - 1).percentile());
            assertThat(points.get(i).millis()).isGreaterThanOrEqualTo(points.get(i - 1).millis());
        }
        assertThat(points).anySatisfy(p -> {
            assertThat(p.percentile()).isEqualTo(50.0);
            assertThat(p.millis()).isCloseTo(500, within(0.5));
        });
    }

    @Test
    void concurrentRecordingCountsEveryValue() throws Exception {
        Latencies latencies = new Latencies();
        int threads = 4;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 1; i <= perThread; i++) {
                        latencies.record(i * 1_000L);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(latencies.count()).isEqualTo((long) threads * perThread);
        assertThat(latencies.maxMillis()).isCloseTo(50, within(0.05));
    }

    @Test
    void valuesAboveTheRangeSaturateAndNegativeOnesAreRejected() {
        Latencies latencies = new Latencies();
        latencies.record(Latencies.HIGHEST_TRACKABLE_NANOS * 10);

        assertThat(latencies.maxMillis()).isCloseTo(60_000, within(60.0));
        assertThatThrownBy(() -> latencies.record(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> latencies.percentileMillis(101)).isInstanceOf(IllegalArgumentException.class);
    }
}
