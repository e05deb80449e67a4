package dev.caravan.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code /usr/bin/wrk} (Debian's wrk 4.1) once and parses what it prints.
 * <p>
 * wrk is a C event loop that can saturate a server from one core, which a JVM client on the same 2-core machine cannot.
 * Run like this (closed loop) its latencies are subject to coordinated omission (it waits for each answer before
 * sending the next), so use it for "how many requests per second at most", and {@link OpenLoopWrk} (wrk with a
 * fixed-rate script) for "what latency at a given rate". {@code --latency} is always on, so the result has
 * p50/p75/p90/p99. A POST with a body and headers needs a Lua script: {@link #luaScript} writes one.
 */
public final class Wrk {

    /** Where Debian installs wrk. */
    public static final Path BINARY = Path.of("/usr/bin/wrk");

    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in ");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final Pattern TRANSFER = Pattern.compile("Transfer/sec:\\s+([\\d.]+)([KMGTP]?)B");
    private static final Pattern PERCENTILE = Pattern.compile("(?m)^\\s*(50|75|90|99)%\\s+([\\d.]+)(us|ms|s|m|h)\\s*$");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern SOCKET_ERRORS = Pattern
            .compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /** Socket errors wrk counted; all 0 when it printed no "Socket errors" line. */
    public record SocketErrors(long connect, long read, long write, long timeout) {
        public long total() {
            return connect + read + write + timeout;
        }
    }

    /**
     * What one wrk run measured. Latencies in milliseconds, from wrk's "Latency Distribution" block.
     *
     * @param non2xx3xx responses whose status was not 2xx or 3xx (wrk counts them as requests too)
     * @param transferBytesPerSecond wrk's "Transfer/sec", in bytes (its KB/MB are 1024-based)
     * @param output wrk's whole output, for the report or a failure message
     */
    public record Result(double requestsPerSecond, long requests, double p50Millis, double p75Millis,
            double p90Millis, double p99Millis, long non2xx3xx, SocketErrors socketErrors,
            double transferBytesPerSecond, String output) {
    }

    /** wrk exited non-zero, did not finish in time, or printed something this class cannot read. */
    public static final class WrkException extends RuntimeException {
        WrkException(String message, String output) {
            super(message + "\n--- wrk output ---\n" + output);
        }
    }

    private final String url;
    private final int connections;
    private final int threads;
    private final Duration duration;
    private final Duration requestTimeout;
    private final Path script;

    /**
     * @param url what to load, e.g. {@code http://127.0.0.1:8080/echo}
     * @param connections open connections, each with one request in flight (at least {@code threads})
     * @param threads wrk threads (event loops)
     * @param duration how long, in whole seconds (wrk takes no fractions)
     * @param requestTimeout when wrk gives up on one response and counts a timeout (its {@code --timeout})
     * @param script Lua script (see {@link #luaScript}), or {@code null} for plain GETs
     */
    public Wrk(String url, int connections, int threads, Duration duration, Duration requestTimeout, Path script) {
        if (threads < 1 || connections < threads) {
            throw new IllegalArgumentException("need 1 <= threads <= connections: " + threads + ", " + connections);
        }
        requireWholeSeconds(duration, requestTimeout);
        this.url = url;
        this.connections = connections;
        this.threads = threads;
        this.duration = duration;
        this.requestTimeout = requestTimeout;
        this.script = script;
    }

    /** Plain GETs with wrk's default 2 s request timeout. */
    public Wrk(String url, int connections, int threads, Duration duration) {
        this(url, connections, threads, duration, Duration.ofSeconds(2), null);
    }

    /** Whether wrk is installed here. */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** The command line {@link #run()} starts. */
    public List<String> command() {
        List<String> command = new ArrayList<>(List.of(BINARY.toString(), "--latency", "-c",
                String.valueOf(connections), "-t", String.valueOf(threads), "-d", duration.toSeconds() + "s",
                "--timeout", requestTimeout.toSeconds() + "s"));
        if (script != null) {
            command.addAll(List.of("-s", script.toString()));
        }
        command.add(url);
        return command;
    }

    /** Runs wrk to the end (its duration plus 30 s at most) and parses its output. */
    public Result run() throws IOException, InterruptedException {
        return parse(execute(command(), duration.plus(requestTimeout).plusSeconds(30)));
    }

    /** wrk's durations are whole seconds, at least 1. */
    static void requireWholeSeconds(Duration... durations) {
        for (Duration d : durations) {
            if (d.toSeconds() < 1 || d.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException("wrk takes whole seconds, at least 1: " + d);
            }
        }
    }

    /**
     * Runs a wrk command line to its end and returns what it printed; throws {@link WrkException} when it runs past
     * {@code limit} (it is then killed) or exits non-zero.
     */
    static String execute(List<String> command, Duration limit) throws IOException, InterruptedException {
        Path log = Files.createTempFile("caravan-wrk-", ".log");
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new WrkException("wrk did not finish within " + limit.toMillis() + " ms", Files.readString(log));
            }
            String output = Files.readString(log);
            if (process.exitValue() != 0) {
                throw new WrkException("wrk exited with " + process.exitValue() + ": " + command, output);
            }
            return output;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    /** Reads wrk 4.1's {@code --latency} output; throws {@link WrkException} when a required line is missing. */
    public static Result parse(String output) {
        long requests = Long.parseLong(find(REQUESTS, output, "total requests").group(1));
        double rate = Double.parseDouble(find(RATE, output, "Requests/sec").group(1));
        Matcher transfer = find(TRANSFER, output, "Transfer/sec");
        String prefix = transfer.group(2); // "" for plain bytes, else K, M, G... (1024-based)
        double bytesPerSecond = Double.parseDouble(transfer.group(1))
                * Math.pow(1024, prefix.isEmpty() ? 0 : "KMGTP".indexOf(prefix) + 1);
        int distribution = output.indexOf("Latency Distribution");
        if (distribution < 0) {
            throw new WrkException("no Latency Distribution block", output);
        }
        double[] millis = new double[4];
        List<String> wanted = List.of("50", "75", "90", "99");
        int found = 0;
        Matcher percentile = PERCENTILE.matcher(output);
        percentile.region(distribution, output.length());
        while (percentile.find()) {
            millis[wanted.indexOf(percentile.group(1))] = toMillis(percentile.group(2), percentile.group(3));
            found++;
        }
        if (found != 4) {
            throw new WrkException("expected 4 latency percentiles, found " + found, output);
        }
        Matcher non2xx = NON_2XX.matcher(output);
        Matcher errors = SOCKET_ERRORS.matcher(output);
        SocketErrors socketErrors = errors.find()
                ? new SocketErrors(Long.parseLong(errors.group(1)), Long.parseLong(errors.group(2)),
                        Long.parseLong(errors.group(3)), Long.parseLong(errors.group(4)))
                : new SocketErrors(0, 0, 0, 0);
        return new Result(rate, requests, millis[0], millis[1], millis[2], millis[3],
                non2xx.find() ? Long.parseLong(non2xx.group(1)) : 0, socketErrors, bytesPerSecond, output);
    }

    /**
     * Writes a wrk Lua script that sends every request with {@code method}, {@code headers} and {@code body} (wrk adds
     * Content-Length itself) to a temporary file, deleted when the JVM exits.
     *
     * @param body request body, or {@code null} for none
     */
    public static Path luaScript(String method, Map<String, String> headers, String body) throws IOException {
        Path file = Files.createTempFile("caravan-wrk-", ".lua");
        file.toFile().deleteOnExit();
        Files.writeString(file, luaSettings(method, headers, body));
        return file;
    }

    /** The Lua lines of {@link #luaScript} that set wrk's request: method, body and headers. */
    static String luaSettings(String method, Map<String, String> headers, String body) {
        StringBuilder lua = new StringBuilder("-- written by dev.caravan.bench.Wrk\n");
        lua.append("wrk.method = ").append(luaString(method)).append('\n');
        if (body != null) {
            lua.append("wrk.body = ").append(luaString(body)).append('\n');
        }
        headers.forEach((name, value) -> lua.append("wrk.headers[").append(luaString(name)).append("] = ")
                .append(luaString(value)).append('\n'));
        return lua.toString();
    }

    /** A Lua string literal of {@code text}'s UTF-8 bytes: printable ASCII as is, anything else as a 3-digit escape. */
    static String luaString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
                out.append((char) c);
            } else {
                out.append(String.format(Locale.ROOT, "\\%03d", c));
            }
        }
        return out.append('"').toString();
    }

    private static double toMillis(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "us" -> v / 1000;
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            case "h" -> v * 3_600_000;
            default -> throw new IllegalArgumentException(unit);
        };
    }

    private static Matcher find(Pattern pattern, String output, String what) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new WrkException("no " + what + " in wrk's output", output);
        }
        return m;
    }
}
