package dev.caravan.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Open-loop (fixed-rate) HTTP load driven by wrk, from outside the JVM under test: {@code open-loop.lua} (beside this
 * class) gives wrk a schedule — request {@code k} due at {@code start + k / rate} — and times every answer from its
 * request's due time, so stalls count as in {@link OpenLoopLoad} (no coordinated omission; at most
 * {@code connections} requests in flight, like wrk2's fixed connections, and the wait for a free one counts too).
 * <p>
 * Why not {@link OpenLoopLoad}, which does the same in Java: run in the benchmark's JVM, its scheduling thread and the
 * JDK HTTP client share the heap and the collector with the Caravan they measure, and their threads the two cores. On
 * 2026-12-04 (request-reply (g), same Caravan, warm) wrk answered the question "what latency at 1,000 requests a
 * second" for the server; the JVM client answered it for the server plus itself (README, Performance). wrk is already
 * the benchmark's closed-loop tool; wrk2, which has a rate option, is not packaged by Debian.
 * <p>
 * Answers are matched to their requests by the {@code X-Correlation-Id} each request carries, which Caravan's gateway
 * returns on every answer; an answer without it is a failure. Requests not answered within {@code drain} after the
 * schedule's end are reported as outstanding.
 */
public final class OpenLoopWrk {

    private static final String SCRIPT = "open-loop.lua";

    private final String url;
    private final double rate;
    private final int connections;
    private final Duration duration;
    private final Duration drain;
    private final String requestSettings;
    private final int expectedStatus;

    /**
     * @param url what to load
     * @param rate requests per second, more than 0
     * @param connections connections wrk keeps open: the most requests in flight
     * @param duration how long requests are started for (whole seconds)
     * @param drain how long wrk waits after that for the last answers (whole seconds)
     * @param method HTTP method of every request
     * @param headers headers of every request (wrk adds Content-Length; the load adds X-Correlation-Id)
     * @param body body of every request, or {@code null}
     * @param expectedStatus the status of a successful answer
     */
    public OpenLoopWrk(String url, double rate, int connections, Duration duration, Duration drain, String method,
            Map<String, String> headers, String body, int expectedStatus) {
        if (!(rate > 0) || connections < 1) {
            throw new IllegalArgumentException("need rate > 0 and connections >= 1: " + rate + ", " + connections);
        }
        Wrk.requireWholeSeconds(duration, drain);
        this.url = url;
        this.rate = rate;
        this.connections = connections;
        this.duration = duration;
        this.drain = drain;
        this.requestSettings = Wrk.luaSettings(method, headers, body);
        this.expectedStatus = expectedStatus;
    }

    /** Requests the schedule holds: rate × duration, as {@link OpenLoopLoad} counts them. */
    public long intended() {
        return (long) Math.floor(duration.toNanos() / 1e9 * rate);
    }

    /** Runs wrk for the schedule and the drain, and reads its answers. */
    public OpenLoopLoad.Result run() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("caravan-open-loop-");
        try {
            Path script = dir.resolve(SCRIPT);
            try (InputStream schedule = OpenLoopWrk.class.getResourceAsStream(SCRIPT)) {
                if (schedule == null) {
                    throw new IllegalStateException(SCRIPT + " is not on the class path beside " + OpenLoopWrk.class);
                }
                Files.writeString(script,
                        requestSettings + new String(schedule.readAllBytes(), StandardCharsets.UTF_8));
            }
            Path answers = dir.resolve("answers");
            List<String> command = List.of(Wrk.BINARY.toString(), "-t", "1", "-c", String.valueOf(connections), "-d",
                    duration.plus(drain).toSeconds() + "s", "--timeout", drain.toSeconds() + "s", "-s",
                    script.toString(), url, "--", String.valueOf(intended()), String.valueOf(rate), "1",
                    answers.toString());
            Wrk.execute(command, duration.plus(drain).plusSeconds(30));
            List<String> lines = new ArrayList<>();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path file : files.filter(f -> f.getFileName().toString().startsWith("answers.")).toList()) {
                    lines.addAll(Files.readAllLines(file));
                }
            }
            return summarize(intended(), duration, expectedStatus, lines);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /**
     * Reads {@code open-loop.lua}'s answer lines ({@code "<status> <start µs> <latency µs> <lag µs>"}, or
     * {@code "<status> - - -"} when the answer had no correlation id).
     *
     * @param intended requests in the schedule
     * @param schedule how long the schedule ran: the shortest elapsed time reported
     */
    static OpenLoopLoad.Result summarize(long intended, Duration schedule, int expectedStatus, List<String> lines) {
        Latencies latencies = new Latencies();
        long completed = 0;
        long failed = 0;
        long maxLagMicros = 0;
        long firstStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        Throwable firstFailure = null;
        for (String line : lines) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 4) {
                throw new IllegalArgumentException("not an answer line of " + SCRIPT + ": '" + line + "'");
            }
            int status = Integer.parseInt(fields[0]);
            if (fields[1].equals("-")) {
                failed++;
                firstFailure = firstFailure != null
                        ? firstFailure
                        : new IllegalStateException("HTTP " + status + " without the request's X-Correlation-Id");
                continue;
            }
            long start = Long.parseLong(fields[1]);
            long latency = Math.max(0, Long.parseLong(fields[2]));
            maxLagMicros = Math.max(maxLagMicros, Long.parseLong(fields[3]));
            if (status != expectedStatus) {
                failed++;
                firstFailure = firstFailure != null
                        ? firstFailure
                        : new IllegalStateException("HTTP " + status + ", expected " + expectedStatus);
                continue;
            }
            completed++;
            latencies.record(TimeUnit.MICROSECONDS.toNanos(latency));
            firstStart = Math.min(firstStart, start);
            lastEnd = Math.max(lastEnd, start + latency);
        }
        if (completed + failed > intended) {
            throw new IllegalStateException(
                    (completed + failed) + " answers to a schedule of " + intended + " requests");
        }
        Duration elapsed = completed == 0
                ? schedule
                : Duration.ofNanos(TimeUnit.MICROSECONDS.toNanos(lastEnd - firstStart));
        return new OpenLoopLoad.Result(intended, completed, failed, intended - completed - failed,
                elapsed.compareTo(schedule) < 0 ? schedule : elapsed, maxLagMicros / 1000.0, firstFailure, latencies);
    }
}
