package dev.caravan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;

import dev.caravan.testing.RouteFiles;

/**
 * Queue-to-queue bridging on one embedded broker, persistent 1 KiB messages: (a) a hand-written plain JMS bridge
 * (transacted session, receive, send, commit per message) against (b) the equivalent Caravan YAML route, with the same
 * number of consumers. Each round runs both, in ABBA order, so drift on a noisy machine hits both; medians are
 * compared.
 * <p>
 * Each round preloads the input queue, then times the bridge from start until every message is on the output queue. A
 * warm-up round of each runs first and is not recorded.
 */
public final class QueueBridgeBenchmark {

    /** Result of one benchmark run. */
    public record Result(int messages, int consumers, boolean setsHeader, List<Double> plainRates,
            List<Double> caravanRates,
            List<Double> plainCpuMicros, List<Double> caravanCpuMicros) {
        public double plainMedian() {
            return median(plainRates);
        }

        public double caravanMedian() {
            return median(caravanRates);
        }

        public double ratio() {
            return caravanMedian() / plainMedian();
        }

        /** (b)/(a) of each round: the two halves of a round ran seconds apart, so they share the machine's mood. */
        public List<Double> roundRatios() {
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(plainRates.size(), caravanRates.size()); i++) {
                ratios.add(caravanRates.get(i) / plainRates.get(i));
            }
            return ratios;
        }

        public String table() {
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "Queue -> queue, persistent 1 KiB, %d messages, %d consumers%s%n",
                    messages, consumers, setsHeader ? ", Caravan route sets a header" : ""));
            out.append(String.format(Locale.ROOT, "%-34s %12s %12s %12s%n", "scenario", "median msg/s", "min",
                    "max"));
            out.append(row("(a) plain JMS bridge", plainRates));
            out.append(row("(b) Caravan YAML route", caravanRates));
            out.append(
                    String.format(Locale.ROOT, "process CPU per message (broker + bridge): (a) %.0f us, (b) %.0f us%n",
                            median(plainCpuMicros), median(caravanCpuMicros)));
            out.append(String.format(Locale.ROOT, "ratio (b)/(a) of medians = %.2f; median of per-round ratios = %.2f"
                    + " (rounds: %s)%n", ratio(), median(roundRatios()),
                    roundRatios().stream().map(r -> String.format(Locale.ROOT, "%.2f", r)).toList()));
            return out.toString();
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"messages\":%d,\"consumers\":%d,\"setsHeader\":%b,\"plainRates\":%s,"
                    + "\"caravanRates\":%s,\"plainMedian\":%.1f,\"caravanMedian\":%.1f,\"ratio\":%.3f,"
                    + "\"roundRatioMedian\":%.3f,\"plainCpuMicrosPerMessage\":%.1f,"
                    + "\"caravanCpuMicrosPerMessage\":%.1f}",
                    messages, consumers, setsHeader, plainRates, caravanRates, plainMedian(), caravanMedian(), ratio(),
                    median(roundRatios()), median(plainCpuMicros), median(caravanCpuMicros));
        }

        private static String row(String name, List<Double> rates) {
            return String.format(Locale.ROOT, "%-34s %12.0f %12.0f %12.0f%n", name, median(rates),
                    rates.stream().mapToDouble(d -> d).min().orElse(0),
                    rates.stream().mapToDouble(d -> d).max().orElse(0));
        }
    }

    static final String ROUTE_FILE = "bench-bridge.camel.yaml";
    static final String ROUTE_ID = "bench-bridge";

    private final ActiveMQServer server;
    private final CamelContext camel;
    private final RouteFiles routes;
    private final ActiveMQConnectionFactory factory;
    private final int consumers;
    private final boolean setsHeader;
    private final byte[] payload = new byte[1024];

    public QueueBridgeBenchmark(ActiveMQServer server, CamelContext camel, RouteFiles routes,
            ActiveMQConnectionFactory factory, int consumers, boolean setsHeader) {
        this.server = server;
        this.camel = camel;
        this.routes = routes;
        this.factory = factory;
        this.consumers = consumers;
        this.setsHeader = setsHeader;
        new Random(42).nextBytes(payload);
    }

    /** Writes the Caravan bridge's route file (not started: each round starts and stops it). */
    void deploy() {
        String headerStep = setsHeader ? """
                        - setHeader:
                            name: CaravanBridgedBy
                            constant: "bench-bridge"
                """ : "";
        routes.deploy(ROUTE_FILE, """
                # Benchmark (b): the plain queue-to-queue route, as an integration developer would write it.
                - route:
                    id: %s
                    autoStartup: false
                    from:
                      uri: "jms:queue:bench.caravan.in"
                      parameters:
                        concurrentConsumers: %d
                      steps:
                %s        - to: "jms:queue:bench.caravan.out"
                """.formatted(ROUTE_ID, consumers, headerStep));
    }

    void undeploy() {
        routes.undeploy(ROUTE_FILE);
    }

    public Result run(int messages, int rounds) throws Exception {
        deploy();
        List<Double> plain = new ArrayList<>();
        List<Double> caravan = new ArrayList<>();
        List<Double> plainCpu = new ArrayList<>();
        List<Double> caravanCpu = new ArrayList<>();
        try {
            // Warm-up (JIT, journal files, connections): one round of each, not recorded.
            plainBridgeRound(messages);
            caravanRound(messages);
            for (int round = 0; round < rounds; round++) {
                // ABBA order: whichever bridge runs first in a round alternates, so drift within a round (journal
                // files filling, JIT, a neighbour's load) does not always favour the same one.
                if (round % 2 == 0) {
                    measurePlain(messages, plain, plainCpu);
                    measureCaravan(messages, caravan, caravanCpu);
                } else {
                    measureCaravan(messages, caravan, caravanCpu);
                    measurePlain(messages, plain, plainCpu);
                }
            }
        } finally {
            undeploy();
        }
        return new Result(messages, consumers, setsHeader, plain, caravan, plainCpu, caravanCpu);
    }

    private void measurePlain(int messages, List<Double> rates, List<Double> cpuMicros) throws Exception {
        long cpu = processCpuNanos();
        rates.add(plainBridgeRound(messages));
        cpuMicros.add((processCpuNanos() - cpu) / 1e3 / messages);
    }

    private void measureCaravan(int messages, List<Double> rates, List<Double> cpuMicros) throws Exception {
        long cpu = processCpuNanos();
        rates.add(caravanRound(messages));
        cpuMicros.add((processCpuNanos() - cpu) / 1e3 / messages);
    }

    double plainBridgeRound(int messages) throws Exception {
        preload("bench.plain.in", messages);
        double rate;
        try (PlainBridge bridge = PlainBridge.start(factory, consumers, "plain-bridge",
                session -> session.createConsumer(session.createQueue("bench.plain.in")),
                session -> PlainBridge.persistentProducer(session, "bench.plain.out")::send)) {
            rate = awaitDelivered("bench.plain.out", messages, bridge.startedNanos());
        }
        purge("bench.plain.out");
        return rate;
    }

    double caravanRound(int messages) throws Exception {
        preload("bench.caravan.in", messages);
        long started = System.nanoTime();
        camel.getRouteController().startRoute(ROUTE_ID);
        double rate = awaitDelivered("bench.caravan.out", messages, started);
        camel.getRouteController().stopRoute(ROUTE_ID, 30, TimeUnit.SECONDS);
        if (camel.getRouteController().getRouteStatus(ROUTE_ID) != ServiceStatus.Stopped) {
            throw new IllegalStateException("benchmark route did not stop");
        }
        purge("bench.caravan.out");
        return rate;
    }

    private void preload(String queue, int messages) throws Exception {
        Preload.send(factory, false, queue, messages, i -> payload);
    }

    private double awaitDelivered(String queue, int messages, long startedNanos) throws InterruptedException {
        var target = SimpleString.of(queue);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (true) {
            var q = server.locateQueue(target);
            if (q != null && q.getMessageCount() >= messages) {
                double seconds = (System.nanoTime() - startedNanos) / 1e9;
                return messages / seconds;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(queue + " did not receive " + messages + " messages in 5 minutes");
            }
            Thread.sleep(2);
        }
    }

    private void purge(String queue) throws Exception {
        var q = server.locateQueue(SimpleString.of(queue));
        if (q != null) {
            q.deleteAllReferences();
        }
    }

    /**
     * CPU time of the whole process (broker, bridge, preloading producer): both rounds do the same preloading, so the
     * difference per message is what the bridge costs. Steadier than throughput on a shared machine.
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(d -> d).sorted().toArray();
        if (sorted.length == 0) {
            return 0;
        }
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    public static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

}
