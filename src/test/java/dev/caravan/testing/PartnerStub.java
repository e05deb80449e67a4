package dev.caravan.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A partner's HTTP API for the HTTP-out tests, on loopback. Each request's {@code Ref} header names the message; its
 * {@code Scenario} header says how to answer: {@code ok} (200), {@code flaky} (503 twice per Ref, then 200),
 * {@code down} (always 500), {@code reject} (always 400).
 */
public final class PartnerStub {

    /** One request as the partner saw it. */
    public record Call(String ref, String body, Map<String, List<String>> headers, int status) {
    }

    private static HttpServer server;
    private static final Map<String, AtomicInteger> ATTEMPTS = new ConcurrentHashMap<>();
    private static final List<Call> CALLS = new CopyOnWriteArrayList<>();

    private PartnerStub() {
    }

    public static synchronized String start() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/partner", PartnerStub::handle);
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/partner";
    }

    public static synchronized void stop() {
        if (server != null) {
            server.stop(0);
            server = null;
        }
    }

    public static List<Call> calls(String ref) {
        return CALLS.stream().filter(c -> ref.equals(c.ref())).toList();
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String ref = exchange.getRequestHeaders().getFirst("Ref");
        String scenario = exchange.getRequestHeaders().getFirst("Scenario");
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        int attempt = ATTEMPTS.computeIfAbsent(String.valueOf(ref), r -> new AtomicInteger()).incrementAndGet();
        int status = switch (scenario == null ? "ok" : scenario) {
            case "flaky" -> attempt <= 2 ? 503 : 200;
            case "down" -> 500;
            case "reject" -> 400;
            default -> 200;
        };
        CALLS.add(new Call(ref, body, Map.copyOf(exchange.getRequestHeaders()), status));
        byte[] answer = ("{\"status\": " + status + "}").getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, answer.length);
        exchange.getResponseBody().write(answer);
        exchange.close();
    }
}
