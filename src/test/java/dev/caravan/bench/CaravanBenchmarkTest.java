package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterReplayer;
import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.RouteFiles;

/**
 * The benchmark: every scenario of the issue, several rounds each, in one run; prints a table of medians with
 * min–max, checks the targets as ratios within the run, and writes {@code target/bench/results.{txt,json,png}}.
 * <p>
 * In the test suite it runs every scenario tiny, so the benchmark cannot rot, and asserts only that each produced a
 * figure. {@code bench/run.sh} runs it full size ({@code -Pbench}). No timing is asserted anywhere.
 */
@QuarkusTest
class CaravanBenchmarkTest extends CaravanTestSupport {

    private static final Logger LOG = Logger.getLogger(CaravanBenchmarkTest.class);

    @Inject
    @Named("caravanDirectConnectionFactory")
    ActiveMQConnectionFactory factory;

    @Inject
    DeadLetterReplayer replayer;

    private final int messages = Integer.getInteger("caravan.bench.messages", 300);
    private final int rounds = Integer.getInteger("caravan.bench.rounds", 1);
    /** Unreported cycles through every broker scenario before the measured rounds (sizes: pom.xml, as the others). */
    private final int warmups = Integer.getInteger("caravan.bench.warmups", 1);
    /** Then at most this long for the JIT compilers to go quiet ({@link JitQuiet}). */
    private final Duration jitWait = Duration.ofSeconds(Integer.getInteger("caravan.bench.jit-wait.seconds", 2));
    private final int consumers = Integer.getInteger("caravan.bench.consumers", 8);
    private final int replayMessages = Integer.getInteger("caravan.bench.replay.messages", 300);
    private final int startups = Integer.getInteger("caravan.bench.startups", 0);
    private final Duration httpDuration = Duration.ofSeconds(Integer.getInteger("caravan.bench.http.seconds", 1));
    private final double requestRate = Integer.getInteger("caravan.bench.request-rate", 1000);

    @TestHTTPResource("/")
    URL base;

    @Test
    void benchmark() throws Exception {
        BenchmarkReport report = new BenchmarkReport("Caravan benchmark, " + Instant.now())
                .context("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                        + System.getProperty("java.version"))
                .context("messages", "persistent 1 KiB, " + messages + " per round, " + rounds + " rounds, "
                        + consumers + " consumers per route or bridge; warm-up cycles excluded: " + warmups)
                .context("measured with", measuredWith());

        // -Dcaravan.bench.only=http (broker, http, replay, startup; comma-separated) runs a part, e.g. to profile it.
        String only = System.getProperty("caravan.bench.only", "broker,http,replay,startup");
        if (only.contains("broker")) {
            brokerScenarios(report);
        }
        if (only.contains("http")) {
            httpScenarios(report);
        } else if (only.contains("request-reply")) {
            requestReplyOnly(report);
        } else if (only.contains("proxy")) {
            proxyOnly(report);
        }
        if (only.contains("replay")) {
            replayScenario(report);
        }
        if (only.contains("startup")) {
            startupScenario(report);
        }
        targets(report);

        String table = report.table();
        LOG.info("\n" + table);
        System.out.println(table);
        Path dir = Path.of("target", "bench");
        QueueBridgeBenchmark.write(dir.resolve("results.txt"), table);
        QueueBridgeBenchmark.write(dir.resolve("results.json"), report.json());
        report.chart(dir.resolve("results.png"));
        for (BenchmarkReport.Scenario scenario : report.scenarios()) {
            assertThat(scenario.values()).as(scenario.id()).isNotEmpty().allSatisfy(v -> assertThat(v).isPositive());
        }
    }

    private void brokerScenarios(BenchmarkReport report) throws Exception {
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        // The benchmark JVM's CPU per message in each round: where a shared host's drift moves the rates, a change in a
        // route's own cost still shows here (it counts loading the input queue and everything else the JVM runs).
        Map<String, CpuPerUnit> cpu = new LinkedHashMap<>();
        try (BrokerScenarios broker = new BrokerScenarios(embeddedBroker.server(), camel, new RouteFiles(loader),
                factory, consumers)) {
            broker.deploy();
            List<Scenario> scenarios = List.of(
                    new Scenario("a", broker::rawBroker),
                    new Scenario("b", broker::plainBridge),
                    new Scenario("c", broker::caravanRoute),
                    new Scenario("c_batched", broker::batchedRoute),
                    new Scenario("d", broker::routingWithTransform),
                    new Scenario("d0", broker::plainRoutingWithTransform),
                    new Scenario("e", broker::fanOut),
                    new Scenario("e0", broker::plainFanOut),
                    new Scenario("e_batched", broker::fanOutBatched));
            // (d)'s parts alone explain (d) rather than rate it: they run when named in caravan.bench.scenarios, or
            // with caravan.bench.diagnostics (the test suite's smoke run, so that they cannot rot).
            List<Scenario> diagnostics = List.of(
                    new Scenario("d_choice", broker::routingOnly),
                    new Scenario("d_transform", broker::transformOnly));
            // -Dcaravan.bench.scenarios=b,c,d runs only those of (a)-(e), e.g. to profile one against its baseline.
            String chosen = System.getProperty("caravan.bench.scenarios", "");
            if (!chosen.isBlank()) {
                List<String> ids = List.of(chosen.split(","));
                scenarios = Stream.concat(scenarios.stream(), diagnostics.stream())
                        .filter(s -> ids.contains(s.id())).toList();
            } else if (Boolean.getBoolean("caravan.bench.diagnostics")) {
                scenarios = Stream.concat(scenarios.stream(), diagnostics.stream()).toList();
            }
            for (Scenario scenario : scenarios) {
                rates.put(scenario.id(), new ArrayList<>());
                cpu.put(scenario.id(), new CpuPerUnit());
            }
            for (int warmup = 0; warmup < warmups; warmup++) {
                for (Scenario scenario : scenarios) {
                    scenario.round().run(messages);
                }
            }
            // Then a short pass once the JIT compilers are quiet, and a wait for what it compiled. HotSpot's tiered
            // policy raises C2's thresholds while its queue is long (Tier4LoadFeedback), and through the warm-up
            // cycles it is long: after two cycles of 10,000 messages each, the first measured round still saw C2
            // compile some sixty of (d)'s per-message methods for the first time (JSONPath, Camel's JMS binding,
            // Artemis' routing), ≈ 1 s of compiler CPU inside (d)'s round (JFR, 2026-12-06 04:12); a wait alone
            // found the compilers already quiet, as those compilations are only requested when the methods run.
            JitQuiet.Result quiet = JitQuiet.await(jitWait);
            for (Scenario scenario : scenarios) {
                scenario.round().run(Math.max(100, messages / 10));
            }
            JitQuiet.Result settled = JitQuiet.await(jitWait);
            LOG.infof("After the warm-up cycles the JIT compiled %d ms more (%s); after the short pass %d ms (%s)",
                    quiet.compileMillis(), quiet.quiet() ? "quiet" : "still compiling", settled.compileMillis(),
                    settled.quiet() ? "quiet" : "still compiling; measuring anyway");
            // Each round runs every scenario, starting one later each time, so drift does not favour one.
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < scenarios.size(); i++) {
                    Scenario scenario = scenarios.get((i + round) % scenarios.size());
                    CpuPerUnit roundCpu = cpu.get(scenario.id());
                    double rate = roundCpu.measure(() -> scenario.round().run(messages), r -> messages);
                    rates.get(scenario.id()).add(rate);
                    // Each round in the log (the report has medians): which rounds were slow, and where their CPU went.
                    LOG.infof("(%s) round %d: %.0f msg/s, %s", scenario.id(), round, rate, roundCpu.last());
                }
            }
        }
        Map<String, String> names = new LinkedHashMap<>();
        names.put("a", "raw broker (core client, 1 producer + 1 consumer)");
        names.put("b", "plain JMS bridge (transacted)");
        names.put("c", "Caravan route queue->queue");
        names.put("c_batched", "Caravan route, batched acknowledgement (100 / 50 ms)");
        names.put("d", "Caravan CBR (jsonpath) + JSON->XML transformer");
        names.put("d0", "(d) hand-written on JMS (Jackson parse, branch, XML)");
        names.put("d_choice", "(d)'s JSONPath choice alone, no transformer");
        names.put("d_transform", "(d)'s transformer alone, no choice");
        names.put("e", "fan-out to 3 durable subscribers (per subscriber)");
        names.put("e0", "(e) hand-written on JMS, (b)'s bridge per subscription (per subscriber)");
        names.put("e_batched", "fan-out (e), subscribers with batched acknowledgement (per subscriber)");
        names.forEach((id, name) -> {
            if (rates.containsKey(id)) {
                Map<String, Object> details = new LinkedHashMap<>();
                cpu.get(id).addTo(details, "message");
                report.add(id, name, "msg/s", rates.get(id), details);
            }
        });
    }

    private void httpScenarios(BenchmarkReport report) throws Exception {
        List<Wrk.Result> gateway = new ArrayList<>();
        List<OpenLoopLoad.Result> requestReply = new ArrayList<>();
        CpuPerUnit requestReplyCpu = new CpuPerUnit();
        List<Wrk.Result> caravanProxy = new ArrayList<>();
        List<Wrk.Result> caravanLocal = new ArrayList<>();
        List<Wrk.Result> nginxProxy = new ArrayList<>();
        try (HttpScenarios http = new HttpScenarios(base.toString(), new RouteFiles(loader), embeddedBroker.server(),
                httpDuration)) {
            http.gateway(); // warm-up of each
            http.requestReply(requestRate);
            http.passThroughCaravan();
            http.answerLocally();
            http.passThroughNginx();
            for (int round = 0; round < rounds; round++) {
                gateway.add(http.gateway());
                OpenLoopLoad.Result result = requestReplyRound(http, requestReplyCpu);
                LOG.infof("(g) round %d: %s", round, result);
                requestReply.add(result);
                proxyRound(http, round, caravanProxy, caravanLocal, nginxProxy);
            }
        }
        report.add("f", "HTTP gateway POST /api/queues, 64 connections", "req/s",
                HttpScenarios.values(gateway, Wrk.Result::requestsPerSecond),
                Map.of("p50 ms (median of rounds)", Stats.median(HttpScenarios.values(gateway, Wrk.Result::p50Millis)),
                        "p99 ms (median of rounds)",
                        Stats.median(HttpScenarios.values(gateway, Wrk.Result::p99Millis))));
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> p999 = new ArrayList<>();
        for (OpenLoopLoad.Result r : requestReply) {
            p50.add(r.latencies().percentileMillis(50));
            p99.add(r.latencies().percentileMillis(99));
            p999.add(r.latencies().percentileMillis(99.9));
        }
        report.add("g.p50", "HTTP request-reply at " + (int) requestRate + " req/s: p50", "ms", p50, Map.of());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("achieved req/s (median)", Stats.median(requestReply.stream()
                .map(OpenLoopLoad.Result::achievedRate).toList()));
        details.put("failed or unanswered, all rounds", requestReply.stream()
                .mapToLong(r -> r.failed() + r.outstanding()).sum());
        requestReplyCpu.addTo(details, "request");
        report.add("g.p99", "HTTP request-reply at " + (int) requestRate + " req/s: p99", "ms", p99, details);
        report.add("g.p99.9", "HTTP request-reply at " + (int) requestRate + " req/s: p99.9", "ms", p999, Map.of());
        OpenLoopLoad.Result last = requestReply.get(requestReply.size() - 1);
        report.distribution("(g) request-reply " + (int) requestRate + " req/s", last.latencies().distribution()
                .stream().map(p -> new double[]{p.percentile(), p.millis()}).toList());
        report.add("h", "HTTP pass-through route (platform-http -> http)", "req/s",
                HttpScenarios.values(caravanProxy, Wrk.Result::requestsPerSecond),
                Map.of("p99 ms (median of rounds)", Stats.median(HttpScenarios.values(caravanProxy,
                        Wrk.Result::p99Millis))));
        addLocal(report, caravanLocal);
        report.add("h0", "nginx proxy to the same backend", "req/s",
                HttpScenarios.values(nginxProxy, Wrk.Result::requestsPerSecond),
                Map.of("p99 ms (median of rounds)", Stats.median(HttpScenarios.values(nginxProxy,
                        Wrk.Result::p99Millis))));
    }

    /**
     * One round of (h): the pass-through, the route answering itself and nginx, in an order that turns each round so
     * that drift favours none.
     */
    private static void proxyRound(HttpScenarios http, int round, List<Wrk.Result> caravan, List<Wrk.Result> local,
            List<Wrk.Result> nginx) throws Exception {
        for (int i = 0; i < 3; i++) {
            switch ((i + round) % 3) {
                case 0 -> caravan.add(http.passThroughCaravan());
                case 1 -> local.add(http.answerLocally());
                default -> nginx.add(http.passThroughNginx());
            }
        }
    }

    private static void addLocal(BenchmarkReport report, List<Wrk.Result> local) {
        report.add("h_local", "HTTP route answering itself (h without the backend call)", "req/s",
                HttpScenarios.values(local, Wrk.Result::requestsPerSecond),
                Map.of("p99 ms (median of rounds)", Stats.median(HttpScenarios.values(local, Wrk.Result::p99Millis))));
    }

    /** (h) alone, for profiling the pass-through route; with its two references, nginx and the route answering itself. */
    private void proxyOnly(BenchmarkReport report) throws Exception {
        List<Wrk.Result> caravan = new ArrayList<>();
        List<Wrk.Result> local = new ArrayList<>();
        List<Wrk.Result> nginx = new ArrayList<>();
        try (HttpScenarios http = new HttpScenarios(base.toString(), new RouteFiles(loader), embeddedBroker.server(),
                httpDuration)) {
            http.passThroughCaravan();
            http.answerLocally();
            http.passThroughNginx();
            for (int round = 0; round < rounds; round++) {
                proxyRound(http, round, caravan, local, nginx);
            }
        }
        report.add("h", "HTTP pass-through route (platform-http -> http)", "req/s",
                HttpScenarios.values(caravan, Wrk.Result::requestsPerSecond), Map.of());
        addLocal(report, local);
        report.add("h0", "nginx proxy to the same backend", "req/s",
                HttpScenarios.values(nginx, Wrk.Result::requestsPerSecond), Map.of());
    }

    /**
     * What the figures were measured with, printed in the report: the collector and heap of the JVM that runs Caravan
     * here, and Camel's per-exchange extras. A run whose JVM flags replaced the bench profile's (as {@code -DargLine}
     * does) shows "debugger standby on" here instead of measuring the debugger silently.
     */
    private String measuredWith() {
        String collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(" + "));
        return collectors + ", max heap " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MB; Camel debugger"
                + " standby " + onOff(camel.isDebugStandby()) + ", message history "
                + onOff(Boolean.TRUE.equals(camel.isMessageHistory())) + ", tracing "
                + onOff(Boolean.TRUE.equals(camel.isTracing()) || camel.isTracingStandby());
    }

    private static String onOff(boolean on) {
        return on ? "on" : "off";
    }

    /** (g) alone, for profiling the request-reply path. */
    private void requestReplyOnly(BenchmarkReport report) throws Exception {
        List<Double> p99 = new ArrayList<>();
        CpuPerUnit cpu = new CpuPerUnit();
        try (HttpScenarios http = new HttpScenarios(base.toString(), new RouteFiles(loader), embeddedBroker.server(),
                httpDuration)) {
            // -Dcaravan.bench.request-reply-connections=N: closed loop (wrk, N connections) instead of the fixed rate,
            // for the path's latency alone (N=1) and its capacity (N=64); logged per round, not in the report.
            Integer connections = Integer.getInteger("caravan.bench.request-reply-connections");
            if (connections != null) {
                for (int round = 0; round <= rounds; round++) {
                    LOG.infof("(g) closed loop, %d connections, round %d: %s", connections, round,
                            http.requestReplyClosedLoop(connections));
                }
                return;
            }
            // Alone, (g) starts on a cold JIT (in the full run the broker scenarios have warmed it): on 2026-12-02 its
            // p50 fell from hundreds of ms to ≈ 3 ms only by the fourth or fifth round. Warm-up rounds, logged, not
            // reported: -Dcaravan.bench.request-reply-warmups (default 3).
            int warmups = Integer.getInteger("caravan.bench.request-reply-warmups", 3);
            for (int round = 0; round < warmups; round++) {
                LOG.infof("(g) warm-up %d: %s", round, http.requestReply(requestRate));
            }
            for (int round = 0; round < rounds; round++) {
                OpenLoopLoad.Result result = requestReplyRound(http, cpu);
                LOG.infof("(g) round %d: %s", round, result);
                p99.add(result.latencies().percentileMillis(99));
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        cpu.addTo(details, "request");
        report.add("g.p99", "HTTP request-reply at " + (int) requestRate + " req/s: p99", "ms", p99, details);
    }

    /** One measured round of (g), with the JVM's CPU per answered request; wrk's is not in it (another process). */
    private OpenLoopLoad.Result requestReplyRound(HttpScenarios http, CpuPerUnit cpu) throws Exception {
        return cpu.measure(() -> http.requestReply(requestRate), OpenLoopLoad.Result::completed);
    }

    /**
     * A scenario's JVM CPU per message (or per request), round by round, and the same by kind of thread
     * ({@link ThreadCpu}): which part of the JVM a scenario's extra CPU is spent in. Steadier than rates and
     * percentiles from run to run on a shared host, so a change in a path's own cost shows here first. It counts what
     * the JVM does meanwhile besides the scenario (loading input queues, idle routes, the in-process Kafka).
     */
    private static final class CpuPerUnit {
        private final List<Double> total = new ArrayList<>();
        private final Map<String, List<Double>> byThread = new LinkedHashMap<>();

        /** Runs one round and records its CPU per unit, {@code units} saying how many units the round handled. */
        <T> T measure(Callable<T> round, ToLongFunction<T> units) throws Exception {
            // The snapshot reads the process's CPU after its threads', and the total ends before the second snapshot:
            // reading /proc is not the round's CPU.
            ThreadCpu.Snapshot threadsBefore = ThreadCpu.snapshot();
            T result = round.call();
            long handled = Math.max(1, units.applyAsLong(result));
            total.add((QueueBridgeBenchmark.processCpuNanos() - threadsBefore.processNanos()) / 1_000.0 / handled);
            ThreadCpu.perMessage(threadsBefore, ThreadCpu.snapshot(), (int) handled)
                    .forEach((kind, micros) -> byThread.computeIfAbsent(kind, k -> new ArrayList<>()).add(micros));
            return result;
        }

        /** The last round's CPU per unit, in total and by kind of thread, for the log. */
        String last() {
            StringBuilder line = new StringBuilder("JVM CPU µs per unit ")
                    .append(Math.round(total.get(total.size() - 1)));
            byThread.forEach((kind, values) -> line.append(", ").append(kind).append(' ')
                    .append(Math.round(values.get(values.size() - 1))));
            return line.toString();
        }

        /** The report lines: the median of rounds, and the medians by kind of thread. */
        void addTo(Map<String, Object> details, String unit) {
            details.put("JVM CPU µs per " + unit + " (median of rounds)", Stats.median(total));
            StringBuilder byKind = new StringBuilder();
            byThread.forEach((kind, values) -> byKind.append(byKind.isEmpty() ? "" : ", ")
                    .append(kind).append(' ').append(Math.round(Stats.median(values))));
            if (!byKind.isEmpty()) {
                details.put("of which, by thread (µs per " + unit + ", medians)", byKind.toString());
            }
        }
    }

    private void replayScenario(BenchmarkReport report) throws Exception {
        DeadLetterReplayScenario replay = new DeadLetterReplayScenario(embeddedBroker.server(), factory, replayer);
        List<Double> broker = new ArrayList<>();
        List<Double> caravan = new ArrayList<>();
        replay.round(replayMessages, false);
        replay.round(replayMessages, true);
        for (int round = 0; round < rounds; round++) {
            boolean caravanFirst = round % 2 == 1;
            (caravanFirst ? caravan : broker).add(replay.round(replayMessages, caravanFirst));
            (caravanFirst ? broker : caravan).add(replay.round(replayMessages, !caravanFirst));
        }
        report.add("j", "dead-letter replay, " + replayMessages + " messages (Caravan)", "msg/s", caravan, Map.of());
        report.add("j0", "dead-letter retry inside the broker (Artemis console's retry)", "msg/s", broker, Map.of());
    }

    private void startupScenario(BenchmarkReport report) throws Exception {
        if (startups == 0 || !StartupScenario.available()) {
            return; // the test suite's smoke run covers (i) in StartupScenarioIT, against the packaged jar
        }
        StartupScenario scenario = new StartupScenario(Path.of("target", "bench", "runs"), Duration.ofSeconds(10));
        // Beside the run command: the same start with the class cache bin/aot-cache trains, for the run command's Java
        // (a CDS archive on JDK 17) and for a JDK 25 if there is one (the AOT cache). No load after those starts: peak
        // RSS is the run command's question. The variants take turns, in rotating order, so drift favours none.
        List<StartupVariant> variants = new ArrayList<>();
        List<Double> peak = new ArrayList<>();
        variants.add(new StartupVariant("i", " (packaged jar, shipped routes)", CaravanProcess.Jvm.current(),
                messages));
        Path java = CaravanProcess.Jvm.current().java();
        variants.add(StartupVariant.cached("i_cds", java, Path.of("target", "bench", "caravan.jsa")));
        Optional<Path> jdk25 = AotCache.java();
        if (jdk25.isPresent()) {
            variants.add(StartupVariant.cached("i_aot", jdk25.get(), Path.of("target", "bench", "caravan.aot")));
        } else {
            LOG.info("(i) with an AOT cache skipped: no JDK 25 or later (-Dcaravan.bench.aot-java)");
        }
        for (int i = 0; i < startups; i++) {
            for (int v = 0; v < variants.size(); v++) {
                StartupVariant variant = variants.get((i + v) % variants.size());
                StartupScenario.Start start = scenario.run(variant.jvm(), variant.load(), consumers);
                variant.ready().add(start.secondsToReady());
                variant.idle().add(start.idleRssMB());
                if (variant.load() > 0) {
                    peak.add(start.peakRssMB());
                }
            }
        }
        for (StartupVariant variant : variants) {
            report.add(variant.name() + ".ready", "start to ready" + variant.label(), "s", variant.ready(), Map.of());
            report.add(variant.name() + ".idle", "idle RSS, 10 s after ready" + variant.label(), "MB", variant.idle(),
                    Map.of());
        }
        report.add("i.peak", "peak RSS (VmHWM) after a (c) load of " + messages, "MB", peak, Map.of());
    }

    /** One way of starting Caravan for (i), and what its starts measured. */
    private record StartupVariant(String name, String label, CaravanProcess.Jvm jvm, int load, List<Double> ready,
            List<Double> idle) {

        StartupVariant(String name, String label, CaravanProcess.Jvm jvm, int load) {
            this(name, label, jvm, load, new ArrayList<>(), new ArrayList<>());
        }

        /** The run command on {@code java} with the cache bin/aot-cache trains for it, written to {@code cache}. */
        static StartupVariant cached(String name, Path java, Path cache) throws Exception {
            CaravanProcess.Jvm jvm = AotCache.train(java, cache);
            String what = jvm.flags().contains("-XX:AOTMode=on") ? "the AOT cache" : "the CDS archive";
            return new StartupVariant(name, ", JDK " + AotCache.featureVersion(java) + " with " + what
                    + " (bin/aot-cache)", jvm, 0);
        }
    }

    private static void targets(BenchmarkReport report) {
        ratio(report, "(c)/(b) routing layer cost", "c", "b", 0.9);
        ratio(report, "(d)/(b) CBR + transformer", "d", "b", 0.75);
        ratio(report, "(c_batched)/(a) batched route vs raw broker", "c_batched", "a", 0.6);
        ratio(report, "(e)/(c) fan-out per subscriber", "e", "c", 0.8);
        ratio(report, "(e_batched)/(c) fan-out, batched subscribers", "e_batched", "c", 0.8);
        // Not targets of their own: the same goals for (d)'s and (e)'s work written by hand on JMS — whether any code
        // meets them on this broker and host — and what the routing layer costs over that hand-written code, held to
        // (c)/(b)'s goal.
        ratio(report, "(d0)/(b): (d)'s work hand-written", "d0", "b", 0.75);
        ratio(report, "(e0)/(b): (e) hand-written, per subscriber", "e0", "b", 0.8);
        ratio(report, "(d)/(d0): routing layer over hand-written CBR", "d", "d0", 0.9);
        ratio(report, "(e)/(e0): routing layer over hand-written fan-out", "e", "e0", 0.9);
        if (report.scenario("g.p99") != null) {
            report.target("(g) p99 at the fixed rate, ms", report.scenario("g.p99").median(), false, 5,
                    "median of rounds' p99");
        }
        ratio(report, "(h) Caravan pass-through / nginx", "h", "h0", 0.7);
        // Not a target of its own: whether any HTTP route here could meet (h)'s, measured in the same run.
        ratio(report, "(h_local)/nginx: HTTP layer alone, no backend", "h_local", "h0", 0.7);
        if (report.scenario("i.ready") != null) {
            report.target("(i) start to ready, s", report.scenario("i.ready").median(), false, 2.5,
                    "median; target is for a quiet machine");
            report.target("(i) idle RSS, MB", report.scenario("i.idle").median(), false, 300, "median");
        }
        for (String cached : List.of("i_cds", "i_aot")) {
            if (report.scenario(cached + ".ready") != null) {
                report.target("(" + cached + ") start to ready, s", report.scenario(cached + ".ready").median(), false,
                        2.5, "median; target is for a quiet machine");
                report.target("(" + cached + ") idle RSS, MB", report.scenario(cached + ".idle").median(), false, 300,
                        "median");
            }
        }
    }

    private static void ratio(BenchmarkReport report, String name, String a, String b, double goal) {
        if (report.scenario(a) == null || report.scenario(b) == null) {
            return;
        }
        // The decision stays the ratio of medians; the round-by-round ratios say how much the host's drift moves it.
        List<Double> rounds = Stats.pairedRatios(report.scenario(a).values(), report.scenario(b).values());
        String how = "ratio of medians, same run";
        if (rounds.size() > 1) {
            how += String.format(Locale.ROOT, "; round by round %.2f-%.2f, median %.2f", Stats.min(rounds),
                    Stats.max(rounds), Stats.median(rounds));
        }
        report.target(name, report.scenario(a).median() / report.scenario(b).median(), true, goal, how);
    }

    private record Scenario(String id, Round round) {
    }

    @FunctionalInterface
    private interface Round {
        double run(int messages) throws Exception;
    }
}
