package dev.caravan.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Latencies of one benchmark run, recorded in nanoseconds and read back in milliseconds.
 * <p>
 * Backed by an HdrHistogram {@link ConcurrentHistogram} with 3 significant digits (every reported value is within 0.1%
 * of the recorded one) from 1 ns up to {@link #HIGHEST_TRACKABLE_NANOS} (60 s). A histogram rather than a list of
 * samples because a benchmark records millions of values: memory stays fixed (a few hundred KiB) and the high
 * percentiles (p99.9, p99.99) are exact to that precision instead of being sampled away. Recording is wait-free and
 * safe from any number of threads at once (HTTP completion callbacks run on the client's pool); reading while others
 * record is safe too and sees a consistent view.
 * <p>
 * A value above 60 s is recorded as 60 s, so an extreme stall saturates the top of the chart instead of throwing from a
 * completion callback; a negative value is a caller's bug and is rejected.
 * <p>
 * Empty recorder: {@link #count()} is 0 and every read ({@link #percentileMillis}, {@link #maxMillis},
 * {@link #meanMillis}) is {@code 0.0}, and {@link #distribution()} is empty. Zero rather than NaN because results end
 * up in JSON and charts, where NaN is invalid or breaks the scale; callers that must tell "no data" from "fast" check
 * {@link #count()}.
 */
public final class Latencies {

    /** Highest latency kept apart from the others: 60 s; anything slower is recorded as 60 s. */
    public static final long HIGHEST_TRACKABLE_NANOS = TimeUnit.SECONDS.toNanos(60);

    /** Highest percentile {@link #distribution()} goes to: beyond it a run of a few minutes has too few samples. */
    public static final double DISTRIBUTION_CAP = 99.99;

    private static final int SIGNIFICANT_DIGITS = 3;
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double NANOS_PER_MILLI = 1_000_000.0;

    /** One point of a latency-distribution chart: {@code percentile} (0–100) of requests took at most {@code millis}. */
    public record Point(double percentile, double millis) {
    }

    private final Histogram histogram = new ConcurrentHistogram(1, HIGHEST_TRACKABLE_NANOS, SIGNIFICANT_DIGITS);

    /**
     * Records one latency.
     *
     * @param nanos the latency in nanoseconds, at least 0; above 60 s it counts as 60 s
     */
    public void record(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("negative latency: " + nanos + " ns");
        }
        histogram.recordValue(Math.min(nanos, HIGHEST_TRACKABLE_NANOS));
    }

    /** How many latencies were recorded. */
    public long count() {
        return histogram.getTotalCount();
    }

    /**
     * The latency that {@code percentile} % of the recorded ones are at or below, e.g. 50, 99, 99.9.
     *
     * @param percentile 0–100
     * @return milliseconds, or 0.0 when nothing was recorded
     */
    public double percentileMillis(double percentile) {
        if (percentile < 0 || percentile > 100 || Double.isNaN(percentile)) {
            throw new IllegalArgumentException("percentile must be within 0-100: " + percentile);
        }
        return count() == 0 ? 0.0 : histogram.getValueAtPercentile(percentile) / NANOS_PER_MILLI;
    }

    /** The highest recorded latency in milliseconds (0.0 when nothing was recorded). */
    public double maxMillis() {
        return count() == 0 ? 0.0 : histogram.getMaxValue() / NANOS_PER_MILLI;
    }

    /** The mean latency in milliseconds (0.0 when nothing was recorded). */
    public double meanMillis() {
        return count() == 0 ? 0.0 : histogram.getMean() / NANOS_PER_MILLI;
    }

    /**
     * Points for a latency-distribution chart (x: percentile, usually on a log scale of 1/(1-p); y: milliseconds).
     * <p>
     * HdrHistogram's percentile iteration with 5 ticks per half-distance: points are dense where the tail is (50, 75,
     * 87.5, ... get 5 points each), sparse where nothing happens. The series stops at {@link #DISTRIBUTION_CAP}, which
     * is always its last point; percentiles ascend, millis never descend. Empty when nothing was recorded.
     */
    public List<Point> distribution() {
        List<Point> points = new ArrayList<>();
        if (count() == 0) {
            return points;
        }
        Histogram copy = histogram.copy(); // one consistent view, even while others record
        for (HistogramIterationValue value : copy.percentiles(TICKS_PER_HALF_DISTANCE)) {
            double percentile = value.getPercentileLevelIteratedTo();
            if (percentile >= DISTRIBUTION_CAP) {
                break;
            }
            points.add(new Point(percentile, value.getValueIteratedTo() / NANOS_PER_MILLI));
        }
        points.add(new Point(DISTRIBUTION_CAP, copy.getValueAtPercentile(DISTRIBUTION_CAP) / NANOS_PER_MILLI));
        return points;
    }

    /** One line for logs: count, p50, p99, p99.9, max. */
    @Override
    public String toString() {
        return String.format(Locale.ROOT, "n=%d p50=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms", count(),
                percentileMillis(50), percentileMillis(99), percentileMillis(99.9), maxMillis());
    }
}
