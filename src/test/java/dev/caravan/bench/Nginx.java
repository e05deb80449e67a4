package dev.caravan.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A private nginx for the HTTP benchmark: the reference points a Caravan HTTP route is compared with. A BACKEND that
 * answers {@code /echo} (any method) with {@link #ECHO_BODY}, a fixed 1 KiB text, and a PROXY that passes everything to
 * the backend over kept-alive HTTP/1.1 connections (upstream {@code keepalive 64}), i.e. what a well-tuned plain reverse
 * proxy costs on this machine.
 * <p>
 * It runs from its own temporary prefix directory with its own nginx.conf, pid file, error log and temp paths, and
 * never reads /etc/nginx or writes /var/lib/nginx or /var/log/nginx ({@code -e} points even the error log nginx opens
 * before reading its configuration into the prefix). Both servers listen on 127.0.0.1 only.
 * <p>
 * {@code master_process off} with {@code daemon off}: one nginx process, the {@link Process} this class started, which
 * serves the requests itself. Chosen so that stopping it is stopping one child (no orphaned worker if the master dies),
 * and so no {@code user} switch happens when running as root. One process is also what {@code worker_processes 1}
 * would give on a 2-core machine where the load generator needs the other core. Keep-alive limits are raised so
 * connections are not closed every 1000 requests during a benchmark, and connection limits so that an overloaded JDK
 * HttpClient (one connection per request in flight, no cap) meets its own limits before nginx's: 8192 connections,
 * each proxied request counting twice (client and upstream), within 20000 open files (this machine's hard limit).
 */
public final class Nginx implements AutoCloseable {

    /** Where Debian installs nginx. */
    public static final Path BINARY = Path.of("/usr/sbin/nginx");

    /** What {@code GET /echo} answers: 16 numbered lines of 64 bytes, 1024 bytes of US-ASCII. */
    public static final String ECHO_BODY = IntStream.range(0, 16)
            .mapToObj(i -> String.format(Locale.ROOT, "%02d %s\n", i, "abcdefghijklmnopqrstuvwxyz".repeat(3)
                    .substring(0, 60)))
            .collect(Collectors.joining());

    private static final long START_TIMEOUT_MILLIS = 10_000;

    private final Process process;
    private final Path prefix;
    private final int backendPort;
    private final int proxyPort;
    private final Thread shutdownHook;
    private boolean closed;

    private Nginx(Process process, Path prefix, int backendPort, int proxyPort) {
        this.process = process;
        this.prefix = prefix;
        this.backendPort = backendPort;
        this.proxyPort = proxyPort;
        // if the JVM exits without close() (an aborted test run), do not leave nginx holding the ports
        this.shutdownHook = new Thread(process::destroyForcibly, "nginx-" + process.pid() + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Whether nginx is installed here. */
    public static boolean available() {
        return Files.isExecutable(BINARY);
    }

    /** Starts nginx on two free loopback ports. */
    public static Nginx start() throws IOException, InterruptedException {
        int backend = freePort();
        int proxy;
        do {
            proxy = freePort();
        } while (proxy == backend);
        return start(backend, proxy);
    }

    /**
     * Starts nginx and returns once both ports accept connections.
     * <p>
     * Port 0 is not "any port" here but an error nginx reports; {@link #start()} picks free ports.
     *
     * @throws IOException if nginx exits or does not listen on both ports within 10 s; the message has its error log
     */
    public static Nginx start(int backendPort, int proxyPort) throws IOException, InterruptedException {
        for (int port : new int[]{backendPort, proxyPort}) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("not a port: " + port);
            }
            if (port > 0 && accepts(port)) {
                // else the wait below would take whoever listens there for nginx
                throw new IOException("port " + port + " on 127.0.0.1 is already in use");
            }
        }
        Path prefix = Files.createTempDirectory("caravan-nginx-");
        Path conf = prefix.resolve("nginx.conf");
        Files.writeString(conf, config(prefix, backendPort, proxyPort));
        Process process = new ProcessBuilder(BINARY.toString(), "-p", prefix + "/", "-c", conf.toString(), "-e",
                prefix.resolve("error.log").toString()).redirectErrorStream(true)
                .redirectOutput(prefix.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, prefix, backendPort, proxyPort);
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MILLIS);
            while (!(accepts(backendPort) && accepts(proxyPort))) {
                // waiting on the process, not sleeping: returns at once if nginx exits (a bad port, a config error)
                if (process.waitFor(20, TimeUnit.MILLISECONDS) || System.nanoTime() > deadline) {
                    String why = process.isAlive()
                            ? "did not listen on " + backendPort + " and " + proxyPort
                                    + " within " + START_TIMEOUT_MILLIS + " ms"
                            : "exited with " + process.exitValue();
                    throw new IOException("nginx " + why + "\n" + nginx.logs());
                }
            }
            return nginx;
        } catch (IOException | InterruptedException | RuntimeException e) {
            nginx.close();
            throw e;
        }
    }

    /** {@code http://127.0.0.1:<backend port>}, no trailing slash. */
    public String backendUrl() {
        return "http://127.0.0.1:" + backendPort;
    }

    /** {@code http://127.0.0.1:<proxy port>}, no trailing slash. */
    public String proxyUrl() {
        return "http://127.0.0.1:" + proxyPort;
    }

    public int backendPort() {
        return backendPort;
    }

    public int proxyPort() {
        return proxyPort;
    }

    /** The temporary directory nginx runs from (its conf, logs, temp paths); deleted by {@link #close()}. */
    public Path prefix() {
        return prefix;
    }

    /** The one nginx process, e.g. to read its CPU time from /proc. */
    public long pid() {
        return process.pid();
    }

    /** nginx's error log and anything it printed, for a failure message. */
    public String logs() {
        StringBuilder out = new StringBuilder();
        for (String name : List.of("error.log", "stdout.log")) {
            Path file = prefix.resolve(name);
            try {
                out.append("--- ").append(name).append(" ---\n")
                        .append(Files.exists(file) ? Files.readString(file) : "(none)\n");
            } catch (IOException e) {
                out.append("(unreadable: ").append(e).append(")\n");
            }
        }
        return out.toString();
    }

    /** Stops nginx (TERM, then KILL after 5 s), waits for it to exit and deletes its prefix directory. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessHandle> children = process.descendants().toList(); // none with master_process off; just in case
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down
        }
        try (Stream<Path> files = Files.walk(prefix)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String config(Path prefix, int backendPort, int proxyPort) {
        String body = ECHO_BODY.replace("\n", "\\n"); // nginx unescapes \n in quoted strings
        return """
                daemon off;
                master_process off;
                worker_processes 1;
                worker_rlimit_nofile 20000;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log warn;
                events {
                    worker_connections 8192;
                }
                http {
                    types {}
                    default_type text/plain;
                    access_log off;
                    client_body_temp_path %1$s/client_body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    keepalive_requests 1000000;
                    upstream backend {
                        server 127.0.0.1:%2$d;
                        keepalive 64;
                        keepalive_requests 1000000;
                    }
                    server {
                        listen 127.0.0.1:%2$d;
                        location = /echo {
                            return 200 "%4$s";
                        }
                        location / {
                            return 404;
                        }
                    }
                    server {
                        listen 127.0.0.1:%3$d;
                        location / {
                            proxy_pass http://backend;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                }
                """.formatted(prefix, backendPort, proxyPort, body);
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
