package dev.caravan.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Waits until the JIT compilers have gone quiet, so that a measured round does not share the 2 cores with C2 compiling
 * what a warm-up made hot. On 2 cores the JVM has a single C2 thread, and HotSpot raises C2's thresholds while its
 * queue is long, so hot methods may wait for a quiet moment to be compiled; the benchmark waits for one after its
 * warm-up cycles and again after a short pass that lets those methods qualify (CaravanBenchmarkTest, brokerScenarios).
 */
final class JitQuiet {

    /** What the wait found: how long it waited, the compile time spent meanwhile, and whether it went quiet. */
    record Result(Duration waited, long compileMillis, boolean quiet) {
    }

    private JitQuiet() {
    }

    /** This JVM's compilers: quiet when they compile for less than 50 ms in a second, {@code max} at most. */
    static Result await(Duration max) {
        return await(ManagementFactory.getCompilationMXBean()::getTotalCompilationTime, Duration.ofSeconds(1), 50,
                max);
    }

    /**
     * Waits until {@code compileMillis} (the accumulated compile time of every compiler thread) grows by at most
     * {@code quietMillis} over one {@code window}, or {@code max} has passed.
     */
    static Result await(LongSupplier compileMillis, Duration window, long quietMillis, Duration max) {
        long started = System.nanoTime();
        long first = compileMillis.getAsLong();
        AtomicLong last = new AtomicLong(first);
        boolean quiet = true;
        try {
            Awaitility.await().pollDelay(window).pollInterval(window).atMost(max).until(() -> {
                long now = compileMillis.getAsLong();
                return now - last.getAndSet(now) <= quietMillis;
            });
        } catch (ConditionTimeoutException e) {
            quiet = false;
        }
        return new Result(Duration.ofNanos(System.nanoTime() - started), last.get() - first, quiet);
    }
}
