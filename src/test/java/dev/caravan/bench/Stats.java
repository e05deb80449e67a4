package dev.caravan.bench;

import java.util.ArrayList;
import java.util.List;

/** Median, min and max of a benchmark's rounds, and ratios of two scenarios round by round. */
public final class Stats {

    private Stats() {
    }

    /** The middle value (mean of the two middle ones for an even count); NaN when empty. */
    public static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /**
     * {@code a[i] / b[i]} for each round i: two scenarios measured side by side in the same round see the same moment of
     * a drifting host, so these ratios show how far the ratio of medians can be trusted. Empty when the counts differ.
     */
    public static List<Double> pairedRatios(List<Double> a, List<Double> b) {
        List<Double> ratios = new ArrayList<>();
        if (a.size() == b.size()) {
            for (int i = 0; i < a.size(); i++) {
                ratios.add(a.get(i) / b.get(i));
            }
        }
        return ratios;
    }
}
