package dev.caravan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * This JVM's CPU time by kind of thread, from {@code /proc/self/task/<tid>/stat} (Linux; elsewhere empty): the broker's
 * threads, the garbage collector's and the JIT compiler's (the last two are not Java threads, so the JVM's thread-CPU
 * API cannot see them), and the rest: the threads of the routes or hand-written bridges, the load, everything else.
 * Those come and go with each round (a stopped route's consumers end), so they are counted as the process's CPU minus
 * the named kinds. Differences are taken thread by thread: the broker's pool threads end too when idle for a minute,
 * and a sum per kind then lost an ended thread's whole past CPU (a unit test saw the broker's CPU go 120 ms negative).
 * A thread that ends between two snapshots takes its CPU since the first out of its kind, into the rest (the process's
 * CPU keeps it). Resolution: the kernel's clock tick (10 ms), ample for rounds of seconds.
 */
final class ThreadCpu {

    static final String BROKER = "broker";
    static final String GC = "gc";
    static final String JIT = "jit";
    static final String REST = "routes/bridges/load";

    private static final long NANOS_PER_TICK = 10_000_000L; // USER_HZ is 100 on Linux

    /** One moment: each thread's kind and CPU nanoseconds so far, by thread id, and the whole process's. */
    record Snapshot(Map<Integer, ThreadTime> threads, long processNanos) {
    }

    /** A thread's kind ({@code null}: one of the rest) and CPU nanoseconds so far. */
    record ThreadTime(String kind, long nanos) {
    }

    private ThreadCpu() {
    }

    /** Every thread's CPU so far, then the process's. */
    static Snapshot snapshot() {
        Path tasks = Path.of("/proc/self/task");
        Map<Integer, ThreadTime> threads = new HashMap<>();
        if (Files.isDirectory(tasks)) {
            try (Stream<Path> listed = Files.list(tasks)) {
                listed.forEach(task -> {
                    try {
                        Stat stat = Stat.parse(Files.readString(task.resolve("stat")));
                        threads.put(Integer.valueOf(task.getFileName().toString()),
                                new ThreadTime(kind(stat.name()), stat.ticks() * NANOS_PER_TICK));
                    } catch (IOException | RuntimeException e) {
                        // the thread ended between listing and reading
                    }
                });
            } catch (IOException e) {
                return new Snapshot(Map.of(), QueueBridgeBenchmark.processCpuNanos());
            }
        }
        // Read after the threads: their clock ticks round down, so the rest is never negative.
        return new Snapshot(threads, QueueBridgeBenchmark.processCpuNanos());
    }

    /**
     * CPU nanoseconds per kind ({@link #BROKER}, {@link #GC}, {@link #JIT}, {@link #REST}) between two snapshots: a
     * thread alive at both counts its own difference, one started in between all of its CPU; the rest is the process's
     * difference minus the named kinds'. Empty where there is no {@code /proc}.
     */
    static Map<String, Long> between(Snapshot before, Snapshot after) {
        if (after.threads().isEmpty()) {
            return Map.of();
        }
        Map<String, Long> byKind = new LinkedHashMap<>();
        for (String kind : new String[]{BROKER, GC, JIT}) {
            byKind.put(kind, 0L);
        }
        after.threads().forEach((tid, now) -> {
            if (now.kind() == null) {
                return;
            }
            ThreadTime then = before.threads().get(tid);
            // A reused thread id (another kind, or less CPU than before) is a new thread.
            boolean same = then != null && now.kind().equals(then.kind()) && now.nanos() >= then.nanos();
            byKind.merge(now.kind(), now.nanos() - (same ? then.nanos() : 0), Long::sum);
        });
        long named = byKind.values().stream().mapToLong(Long::longValue).sum();
        byKind.put(REST, Math.max(0, after.processNanos() - before.processNanos() - named));
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

    /** {@link #between} in microseconds per message. */
    static Map<String, Double> perMessage(Snapshot before, Snapshot after, int messages) {
        Map<String, Double> micros = new LinkedHashMap<>();
        between(before, after).forEach((kind, nanos) -> micros.put(kind, nanos / 1e3 / messages));
        return micros;
    }
}
