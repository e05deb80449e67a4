package dev.caravan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What one benchmark run measured: each scenario's values over its rounds (median, min, max), the targets as ratios
 * between scenarios of the same run, and latency distributions. Renders a text table, JSON and a PNG chart.
 */
public final class BenchmarkReport {

    /** One scenario's measurements: a rate (per second) or another figure, once per round. */
    public record Scenario(String id, String title, String unit, List<Double> values, Map<String, Object> details) {

        public double median() {
            return Stats.median(values);
        }

        public double min() {
            return Stats.min(values);
        }

        public double max() {
            return Stats.max(values);
        }
    }

    /** A target: {@code actual} compared with {@code goal}; met when {@code actual >= goal} (or {@code <=}). */
    public record Target(String name, double actual, boolean atLeast, double goal, String how) {

        public boolean met() {
            return atLeast ? actual >= goal : actual <= goal;
        }
    }

    private final String title;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final Map<String, List<double[]>> latencyDistributions = new LinkedHashMap<>();

    public BenchmarkReport(String title) {
        this.title = title;
    }

    public BenchmarkReport context(String key, Object value) {
        context.put(key, value);
        return this;
    }

    public Scenario add(String id, String title, String unit, List<Double> values, Map<String, Object> details) {
        Scenario scenario = new Scenario(id, title, unit, List.copyOf(values), new LinkedHashMap<>(details));
        scenarios.put(id, scenario);
        return scenario;
    }

    public Scenario scenario(String id) {
        return scenarios.get(id);
    }

    public List<Scenario> scenarios() {
        return List.copyOf(scenarios.values());
    }

    public void target(String name, double actual, boolean atLeast, double goal, String how) {
        targets.add(new Target(name, actual, atLeast, goal, how));
    }

    public List<Target> targets() {
        return List.copyOf(targets);
    }

    /** A latency distribution for the chart: (percentile, milliseconds) points. */
    public void distribution(String name, List<double[]> points) {
        latencyDistributions.put(name, points);
    }

    public String table() {
        StringBuilder text = new StringBuilder(title).append('\n');
        context.forEach((k, v) -> text.append(k).append(": ").append(v).append('\n'));
        text.append(String.format(Locale.ROOT, "%n%-58s %-8s %12s %12s %12s  %s%n", "scenario", "unit", "median", "min",
                "max", "rounds"));
        for (Scenario s : scenarios.values()) {
            text.append(String.format(Locale.ROOT, "%-58s %-8s %12s %12s %12s  %d%n", s.id() + " " + s.title(),
                    s.unit(), number(s.median()), number(s.min()), number(s.max()), s.values().size()));
            s.details().forEach((k, v) -> text.append(String.format(Locale.ROOT, "    %s: %s%n", k,
                    v instanceof Double d ? number(d) : v)));
        }
        if (!targets.isEmpty()) {
            text.append(String.format(Locale.ROOT, "%n%-42s %10s %12s  %s%n", "target", "actual", "goal", "met"));
            for (Target t : targets) {
                text.append(String.format(Locale.ROOT, "%-42s %10s %12s  %s   (%s)%n", t.name(), number(t.actual()),
                        (t.atLeast() ? ">= " : "<= ") + number(t.goal()), t.met() ? "yes" : "NO", t.how()));
            }
        }
        return text.toString();
    }

    public String json() throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", title);
        root.put("context", context);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Scenario s : scenarios.values()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", s.id());
            entry.put("title", s.title());
            entry.put("unit", s.unit());
            entry.put("median", s.median());
            entry.put("min", s.min());
            entry.put("max", s.max());
            entry.put("values", s.values());
            entry.put("details", s.details());
            list.add(entry);
        }
        root.put("scenarios", list);
        List<Map<String, Object>> goals = new ArrayList<>();
        for (Target t : targets) {
            goals.add(Map.of("name", t.name(), "actual", t.actual(), "goal", t.goal(),
                    "comparison", t.atLeast() ? ">=" : "<=", "met", t.met(), "how", t.how()));
        }
        root.put("targets", goals);
        root.put("latencyDistributions", latencyDistributions);
        return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    }

    /** Throughput bars (median per scenario measured per second) and the latency distributions, side by side. */
    public void chart(Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        CategoryChart bars = new CategoryChartBuilder().width(900).height(520).title("Throughput (median)")
                .yAxisTitle("per second").build();
        bars.getStyler().setLegendVisible(false);
        bars.getStyler().setXAxisLabelRotation(35);
        bars.getStyler().setLabelsVisible(false);
        List<String> names = new ArrayList<>();
        List<Double> medians = new ArrayList<>();
        for (Scenario s : scenarios.values()) {
            if (s.unit().endsWith("/s")) {
                names.add(s.id());
                medians.add(s.median());
            }
        }
        if (names.isEmpty()) {
            names.add("none");
            medians.add(0.0);
        }
        bars.addSeries("median", names, medians);

        XYChart latency = new XYChartBuilder().width(900).height(520).title("Latency distribution")
                .xAxisTitle("percentile (x = 1/(1-p): 2 = p50, 100 = p99, 1000 = p99.9)").yAxisTitle("ms").build();
        latency.getStyler().setXAxisLogarithmic(true);
        latency.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        latency.getStyler().setMarkerSize(3);
        for (var entry : latencyDistributions.entrySet()) {
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (double[] point : entry.getValue()) {
                if (point[0] < 100) {
                    x.add(1 / (1 - point[0] / 100));
                    y.add(point[1]);
                }
            }
            if (!x.isEmpty()) {
                latency.addSeries(entry.getKey(), x, y);
            }
        }
        if (latency.getSeriesMap().isEmpty()) {
            latency.addSeries("none", List.of(1.0), List.of(0.0));
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        List<Chart<?, ?>> charts = List.of(bars, latency);
        BitmapEncoder.saveBitmap(charts, 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static String number(double value) {
        if (Double.isNaN(value)) {
            return "-";
        }
        if (Math.abs(value) >= 100) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
