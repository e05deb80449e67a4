package dev.caravan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * This JVM's CPU time by kind of thread, from {@code /proc/self/task/<tid>/stat} (Linux; elsewhere empty): the broker's
 * threads, the garbage collector's and the JIT compiler's (the last two are not Java threads, so the JVM's thread-CPU
 * API cannot see them), and the rest: the threads of the routes or hand-written bridges, the load, everything else.
 * Those come and go with each round (a stopped route's consumers end), so they are counted as the process's CPU minus
 * the long-lived kinds. Resolution: the kernel's clock tick (10 ms), ample for rounds of seconds.
 */
final class ThreadCpu {

    static final String BROKER = "broker";
    static final String GC = "gc";
    static final String JIT = "jit";
    static final String REST = "routes/bridges/load";

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    private ThreadCpu() {
    }

    /** CPU nanoseconds so far per kind of thread ({@link #BROKER}, {@link #GC}, {@link #JIT}, {@link #REST}). */
    static Map<String, Long> snapshot() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return Map.of();
        }
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (String kind : new String[]{BROKER, GC, JIT, REST}) {
            byKind.put(kind, 0L);
        }
        try (Stream<Path> threads = Files.list(tasks)) {
            threads.forEach(task -> {
                try {
                    Stat stat = Stat.parse(Files.readString(task.resolve("stat")));
                    String kind = kind(stat.name());
                    if (kind != null) {
                        byKind.merge(kind, stat.ticks() * NANOS_PER_TICK, Long::sum);
                    }
                } catch (IOException | RuntimeException e) {
                    // the thread ended between listing and reading
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        // Read after the threads: their clock ticks round down, so the rest is never negative.
        long process = QueueBridgeBenchmark.processCpuNanos();
        byKind.put(REST, process - byKind.get(BROKER) - byKind.get(GC) - byKind.get(JIT));
        return byKind;
    }

    /** A thread's name and CPU clock ticks (user + system) from its {@code stat} line. */
    record Stat(String name, long ticks) {
        static Stat parse(String line) {
            // pid (comm) state ppid ...: the name may hold spaces and parentheses; the fields follow the last ')'.
            int open = line.indexOf('(');
            int close = line.lastIndexOf(')');
            String[] fields = line.substring(close + 2).split(" ");
            // Fields 14 and 15 of proc(5), utime and stime: the 12th and 13th after the name.
            return new Stat(line.substring(open + 1, close), Long.parseLong(fields[11]) + Long.parseLong(fields[12]));
        }
    }

    /** The long-lived kind of a thread by its (kernel-truncated, 15 characters) name; {@code null}: one of the rest. */
    static String kind(String comm) {
        if (comm.contains("(activ") || comm.contains("activemq")) {
            return BROKER;
        }
        if (comm.startsWith("GC ") || comm.startsWith("G1 ") || comm.equals("VM Thread")) {
            return GC;
        }
        if (comm.contains("CompilerThre")) {
            return JIT;
        }
        return null;
    }

    /** {@code after - before} per kind, in microseconds per message. */
    static Map<String, Double> perMessage(Map<String, Long> before, Map<String, Long> after, int messages) {
        Map<String, Double> micros = new LinkedHashMap<>();
        after.forEach((kind, nanos) -> micros.put(kind, (nanos - before.getOrDefault(kind, 0L)) / 1e3 / messages));
        return micros;
    }
}
