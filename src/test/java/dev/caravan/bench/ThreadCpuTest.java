package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Unit test of the benchmark's CPU-by-thread counter. */
class ThreadCpuTest {

    @Test
    void statLineWithSpacesAndParenthesesInTheName() {
        String line = "4242 (Thread-3 (activ) S 1 4200 4200 0 -1 1077936192 120 0 0 0 731 45 0 0 20 0 57 0 1000 0";
        ThreadCpu.Stat stat = ThreadCpu.Stat.parse(line);
        assertThat(stat.name()).isEqualTo("Thread-3 (activ");
        assertThat(stat.ticks()).isEqualTo(731 + 45);
    }

    @Test
    void kindsByTheKernelsTruncatedThreadNames() {
        assertThat(ThreadCpu.kind("Thread-3 (activ")).isEqualTo(ThreadCpu.BROKER);
        assertThat(ThreadCpu.kind("activemq-buffer")).isEqualTo(ThreadCpu.BROKER);
        assertThat(ThreadCpu.kind("GC Thread#1")).isEqualTo(ThreadCpu.GC);
        assertThat(ThreadCpu.kind("G1 Conc#0")).isEqualTo(ThreadCpu.GC);
        assertThat(ThreadCpu.kind("VM Thread")).isEqualTo(ThreadCpu.GC);
        assertThat(ThreadCpu.kind("C2 CompilerThre")).isEqualTo(ThreadCpu.JIT);
        // Routes, hand-written bridges and the load come and go: counted as the rest, not by name.
        assertThat(ThreadCpu.kind("Camel (camel-1)")).isNull();
        assertThat(ThreadCpu.kind("plain-cbr-3")).isNull();
    }

    @Test
    void perMessageIsTheDifferenceThreadByThreadInMicroseconds() {
        ThreadCpu.Snapshot before = new ThreadCpu.Snapshot(Map.of(
                1, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 1_000_000L),
                2, new ThreadCpu.ThreadTime(ThreadCpu.GC, 0L),
                7, new ThreadCpu.ThreadTime(null, 4_000_000L)), 5_000_000L);
        ThreadCpu.Snapshot after = new ThreadCpu.Snapshot(Map.of(
                1, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 3_000_000L),
                2, new ThreadCpu.ThreadTime(ThreadCpu.GC, 500_000L),
                3, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 1_000_000L), // started in between: all of it
                7, new ThreadCpu.ThreadTime(null, 4_100_000L)), 10_000_000L);
        Map<String, Double> micros = ThreadCpu.perMessage(before, after, 1_000);
        assertThat(micros).containsEntry(ThreadCpu.BROKER, 3.0).containsEntry(ThreadCpu.GC, 0.5)
                .containsEntry(ThreadCpu.JIT, 0.0).containsEntry(ThreadCpu.REST, 1.5);
    }

    @Test
    void aThreadThatEndedInBetweenTakesNoPastCpuAwayFromItsKind() {
        // Broker thread 1 had 2 ms and ended (an idle pool thread); thread 4 went on. Summed per kind, the broker's
        // CPU would have gone 1.5 ms negative; its ended thread's share lands in the rest.
        ThreadCpu.Snapshot before = new ThreadCpu.Snapshot(Map.of(
                1, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 2_000_000L),
                4, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 1_000_000L)), 3_000_000L);
        ThreadCpu.Snapshot after = new ThreadCpu.Snapshot(Map.of(
                4, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 1_500_000L),
                // thread id 9 reused by a new thread with less CPU than the old one had: a new thread
                9, new ThreadCpu.ThreadTime(ThreadCpu.GC, 200_000L)), 4_000_000L);
        ThreadCpu.Snapshot beforeWithOld9 = new ThreadCpu.Snapshot(Map.of(
                1, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 2_000_000L),
                4, new ThreadCpu.ThreadTime(ThreadCpu.BROKER, 1_000_000L),
                9, new ThreadCpu.ThreadTime(ThreadCpu.GC, 900_000L)), 3_000_000L);
        assertThat(ThreadCpu.between(before, after)).containsEntry(ThreadCpu.BROKER, 500_000L)
                .containsEntry(ThreadCpu.GC, 200_000L).containsEntry(ThreadCpu.REST, 300_000L);
        assertThat(ThreadCpu.between(beforeWithOld9, after)).containsEntry(ThreadCpu.GC, 200_000L);
    }

    @Test
    void cpuOfABrokerNamedThreadCountsAsBroker() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        ThreadCpu.Snapshot before = ThreadCpu.snapshot();
        Thread burner = new Thread(() -> {
            long sink = 0;
            // 100 ms of this thread's own CPU time, however busy the machine.
            while (threads.getCurrentThreadCpuTime() < TimeUnit.MILLISECONDS.toNanos(100)) {
                sink += System.nanoTime() % 7;
            }
            burnt.countDown();
            try {
                measured.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            assertThat(sink).isNotNegative();
        }, "Thread-9 (activemq-test)");
        burner.start();
        assertThat(burnt.await(30, TimeUnit.SECONDS)).isTrue();
        ThreadCpu.Snapshot after = ThreadCpu.snapshot(); // while the thread lives: an ended thread's CPU is gone
        measured.countDown();
        burner.join(TimeUnit.SECONDS.toMillis(30));

        Map<String, Long> between = ThreadCpu.between(before, after);
        assertThat(between).containsOnlyKeys(ThreadCpu.BROKER, ThreadCpu.GC, ThreadCpu.JIT, ThreadCpu.REST);
        assertThat(between.values()).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
        // Clock ticks are 10 ms: 100 ms burnt shows as at least 80.
        assertThat(between.get(ThreadCpu.BROKER)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(80));
    }
}
