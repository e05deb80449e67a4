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
    void perMessageIsTheDifferenceInMicroseconds() {
        Map<String, Double> micros = ThreadCpu.perMessage(Map.of("broker", 1_000_000L, "gc", 0L),
                Map.of("broker", 3_000_000L, "gc", 500_000L), 1_000);
        assertThat(micros).containsEntry("broker", 2.0).containsEntry("gc", 0.5);
    }

    @Test
    void cpuOfABrokerNamedThreadCountsAsBroker() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "Linux /proc");
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        CountDownLatch burnt = new CountDownLatch(1);
        CountDownLatch measured = new CountDownLatch(1);
        Map<String, Long> before = ThreadCpu.snapshot();
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
        Map<String, Long> after = ThreadCpu.snapshot(); // while the thread lives: an ended thread's CPU is gone
        measured.countDown();
        burner.join(TimeUnit.SECONDS.toMillis(30));

        assertThat(after).containsOnlyKeys(ThreadCpu.BROKER, ThreadCpu.GC, ThreadCpu.JIT, ThreadCpu.REST);
        assertThat(after.values()).allSatisfy(nanos -> assertThat(nanos).isNotNegative());
        // Clock ticks are 10 ms: 100 ms burnt shows as at least 80.
        assertThat(after.get(ThreadCpu.BROKER) - before.get(ThreadCpu.BROKER))
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(80));
    }
}
