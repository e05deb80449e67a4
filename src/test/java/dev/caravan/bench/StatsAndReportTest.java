package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark's own arithmetic and output, without a broker. */
class StatsAndReportTest {

    @Test
    void medianMinMax() {
        assertThat(Stats.median(List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
        assertThat(Stats.median(List.of())).isNaN();
        assertThat(Stats.min(List.of(3.0, 1.0, 2.0))).isEqualTo(1.0);
        assertThat(Stats.max(List.of(3.0, 1.0, 2.0))).isEqualTo(3.0);
    }

    @Test
    void ratiosRoundByRound() {
        assertThat(Stats.pairedRatios(List.of(8.0, 3.0, 10.0), List.of(10.0, 4.0, 10.0))).containsExactly(0.8, 0.75,
                1.0);
        assertThat(Stats.pairedRatios(List.of(1.0, 2.0), List.of(1.0))).as("rounds do not pair up").isEmpty();
    }

    @Test
    void reportHasTableJsonTargetsAndChart(@TempDir Path dir) throws Exception {
        BenchmarkReport report = new BenchmarkReport("test run").context("machine", "2 cores");
        report.add("a", "raw broker", "msg/s", List.of(10_000.0, 12_000.0, 11_000.0), Map.of());
        report.add("c", "route", "msg/s", List.of(9_000.0, 9_500.0, 10_000.0), Map.of("cpu us/msg", 190.0));
        report.target("(c)/(a)", report.scenario("c").median() / report.scenario("a").median(), true, 0.9,
                "ratio of medians");
        report.target("p99 ms", 6.0, false, 5.0, "at 1000 req/s");
        report.distribution("g", List.of(new double[]{50, 1.0}, new double[]{99, 4.0},
                new double[]{99.9, 9.0}));

        assertThat(report.targets()).extracting(BenchmarkReport.Target::met).containsExactly(false, false);
        String table = report.table();
        assertThat(table).contains("a raw broker").contains("11000").contains("10000").contains("12000")
                .contains("cpu us/msg: 190").contains("(c)/(a)").contains("0.86").contains("NO");
        assertThat(report.json()).contains("\"median\" : 11000.0").contains("\"met\" : false");
        Path png = dir.resolve("chart.png");
        report.chart(png);
        byte[] header = Files.readAllBytes(png);
        assertThat(header.length).isGreaterThan(1000);
        assertThat(new String(header, 1, 3, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("PNG");
    }
}
