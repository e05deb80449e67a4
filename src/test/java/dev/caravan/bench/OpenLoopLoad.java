package dev.caravan.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop (constant-rate) load: request {@code i} is due at {@code start + i / rate}, whatever happened to the
 * requests before it, for the whole duration.
 * <p>
 * Why: a closed-loop generator (send, wait for the answer, send the next) stops sending while the server stalls, so a
 * 200 ms stall costs it one slow sample and the requests that should have been sent during the stall are never
 * measured — "coordinated omission": the tail percentiles look fine and only the rate drops. Here each latency is
 * measured from the request's <em>intended</em> start time, not from when it was actually sent, so a stall of the
 * server, of the client or of this scheduler itself shows up in the latencies of every request it delayed.
 * <p>
 * One scheduling thread (the caller's) parks with {@link LockSupport#parkNanos} until each intended time and spins the
 * last few microseconds; when it is late (the request's {@code send()} blocked, or the machine was busy) it sends the
 * overdue requests at once, still timed from their intended times. Requests are asynchronous: {@link Request#send()}
 * returns a future, and the latency is taken when it completes. A future that completes exceptionally (or a
 * {@code send()} that throws) is a failure and is not recorded as a latency. After the last intended time, the run
 * waits up to {@code drainTimeout} for outstanding requests; any still outstanding then are reported as such and
 * ignored afterwards.
 * <p>
 * At most {@code maxInFlight} requests are outstanding at once, like wrk2's fixed number of connections: when a stall
 * reaches that bound the scheduler waits for a slot, and the wait is in the latencies (measured from the intended
 * start). Without a bound, a stalled server made the HTTP client open a connection per overdue request until the
 * process ran out of file descriptors (20,000, at 1,000 requests per second).
 */
public final class OpenLoopLoad {

    /** Below this much time to wait the scheduler spins instead of parking: a park can oversleep by ~50 us. */
    private static final long SPIN_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    /** One request of the load: starts it and returns a future that completes when its answer is in (and checked). */
    @FunctionalInterface
    public interface Request {
        CompletableFuture<?> send();
    }

    /**
     * What a run did.
     *
     * @param intended requests due in the duration (rate × seconds)
     * @param completed requests whose future completed normally; their latencies are in {@code latencies}
     * @param failed requests whose future completed exceptionally or whose {@code send()} threw
     * @param outstanding requests not finished when the drain timeout ran out ({@code intended - completed - failed})
     * @param elapsed from the first intended start to the last completion, or to the end of the schedule if later
     * @param maxSendLagMillis how late the scheduler sent its most overdue request; large means the generator (or
     *        {@code send()}) could not keep the rate, and the latencies already include that lag
     * @param firstFailure the first failure's cause, for the report; {@code null} when nothing failed
     */
    public record Result(long intended, long completed, long failed, long outstanding, Duration elapsed,
            double maxSendLagMillis, Throwable firstFailure, Latencies latencies) {

        /** Completed requests per second of {@link #elapsed}. */
        public double achievedRate() {
            double seconds = elapsed.toNanos() / 1e9;
            return seconds <= 0 ? 0 : completed / seconds;
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT,
                    "intended=%d completed=%d failed=%d outstanding=%d rate=%.1f/s maxSendLag=%.3fms %s%s", intended,
                    completed, failed, outstanding, achievedRate(), maxSendLagMillis, latencies,
                    firstFailure == null ? "" : " firstFailure=" + firstFailure);
        }
    }

    private final double ratePerSecond;
    private final Duration duration;
    private final Duration drainTimeout;
    private final int maxInFlight;

    /** A load without a bound on requests in flight (for requests that cannot pile up, such as in-process ones). */
    public OpenLoopLoad(double ratePerSecond, Duration duration, Duration drainTimeout) {
        this(ratePerSecond, duration, drainTimeout, Integer.MAX_VALUE);
    }

    /**
     * @param ratePerSecond requests per second, more than 0
     * @param duration how long requests are started for
     * @param drainTimeout how long to wait after the last intended start for requests still outstanding
     * @param maxInFlight most requests outstanding at once, more than 0
     */
    public OpenLoopLoad(double ratePerSecond, Duration duration, Duration drainTimeout, int maxInFlight) {
        if (!(ratePerSecond > 0) || duration.isNegative() || drainTimeout.isNegative() || maxInFlight < 1) {
            throw new IllegalArgumentException("rate must be > 0, durations >= 0, in flight >= 1: " + ratePerSecond
                    + ", " + duration + ", " + drainTimeout + ", " + maxInFlight);
        }
        this.ratePerSecond = ratePerSecond;
        this.duration = duration;
        this.drainTimeout = drainTimeout;
        this.maxInFlight = maxInFlight;
    }

    /**
     * A request that sends {@code request} with {@code client} (body discarded) and fails unless the response status is
     * {@code expectedStatus}.
     */
    public static Request http(HttpClient client, HttpRequest request, int expectedStatus) {
        return () -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).thenApply(response -> {
            if (response.statusCode() != expectedStatus) {
                throw new CompletionException(new IllegalStateException("HTTP " + response.statusCode() + " from "
                        + request.method() + " " + request.uri() + ", expected " + expectedStatus));
            }
            return response;
        });
    }

    /** Runs the load on the calling thread; returns when every request finished or the drain timeout ran out. */
    public Result run(Request request) throws InterruptedException {
        Run run = new Run(new Semaphore(maxInFlight));
        long intended = (long) Math.floor(duration.toNanos() / 1e9 * ratePerSecond);
        long start = System.nanoTime();
        long maxLag = 0;
        for (long i = 0; i < intended; i++) {
            long due = start + (long) (i * 1e9 / ratePerSecond);
            waitUntil(due);
            run.slots.acquire();
            maxLag = Math.max(maxLag, System.nanoTime() - due);
            run.pending.incrementAndGet();
            CompletableFuture<?> future;
            try {
                future = request.send();
            } catch (RuntimeException e) {
                run.finish(due, e);
                continue;
            }
            if (future == null) {
                run.finish(due, new NullPointerException("Request.send() returned null"));
            } else {
                future.whenComplete((value, error) -> run.finish(due, error));
            }
        }
        long scheduleEnd = Math.max(System.nanoTime(), start + duration.toNanos());
        run.release(); // the scheduler's own share: drained completes once every request is done as well
        try {
            run.drained.get(drainTimeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // reported as outstanding below
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
        synchronized (run) {
            run.closed = true;
            long end = Math.max(scheduleEnd, run.lastCompletion);
            return new Result(intended, run.completed, run.failed, intended - run.completed - run.failed,
                    Duration.ofNanos(end - start), maxLag / 1e6, run.firstFailure, run.latencies);
        }
    }

    private static void waitUntil(long due) throws InterruptedException {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            if (left > SPIN_NANOS) {
                LockSupport.parkNanos(left - SPIN_NANOS);
                if (Thread.interrupted()) {
                    throw new InterruptedException();
                }
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** Counters of one run, updated by completion callbacks on any thread; frozen once {@code closed}. */
    private static final class Run {
        final Latencies latencies = new Latencies();
        /** Permits for requests in flight; a finished request gives its permit back. */
        final Semaphore slots;
        /** Requests not yet finished, plus 1 for the scheduler until it has sent the last one. */
        final AtomicLong pending = new AtomicLong(1);
        final CompletableFuture<Void> drained = new CompletableFuture<>();
        long completed;
        long failed;
        long lastCompletion = Long.MIN_VALUE;
        Throwable firstFailure;
        boolean closed;

        Run(Semaphore slots) {
            this.slots = slots;
        }

        void finish(long due, Throwable error) {
            long now = System.nanoTime();
            synchronized (this) {
                if (!closed) {
                    if (error == null) {
                        completed++;
                        latencies.record(Math.max(0, now - due));
                    } else {
                        failed++;
                        if (firstFailure == null) {
                            firstFailure = error instanceof CompletionException && error.getCause() != null
                                    ? error.getCause()
                                    : error;
                        }
                    }
                    lastCompletion = Math.max(lastCompletion, now);
                }
            }
            slots.release();
            release();
        }

        void release() {
            if (pending.decrementAndGet() == 0) {
                drained.complete(null);
            }
        }
    }
}
