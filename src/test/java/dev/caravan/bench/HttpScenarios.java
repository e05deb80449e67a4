package dev.caravan.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;

import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.RouteFiles;

/**
 * The HTTP scenarios against the running Caravan: (f) the gateway's {@code POST /api/queues/{name}} at 64 connections
 * (wrk), (g) request-reply through a responder route at a fixed rate (open loop, so stalls count), (h) a
 * {@code platform-http -> http} pass-through route beside nginx proxying to the same nginx backend, same tool, same
 * run.
 */
final class HttpScenarios implements AutoCloseable {

    static final String ROUTE_FILE = "bench-http.camel.yaml";
    static final int CONNECTIONS = 64;
    /** (g)'s bound on requests out at once: wrk's connections (or the JDK client's connection pool). */
    static final int MAX_IN_FLIGHT = 256;

    private final String base;
    private final RouteFiles routes;
    private final ActiveMQServer server;
    private final Duration duration;
    private final Nginx nginx;
    private final String authorization = LocalHttp.basicAuth("app", "app");
    private final String body = "x".repeat(1024);

    HttpScenarios(String base, RouteFiles routes, ActiveMQServer server, Duration duration) throws Exception {
        this.base = base.replaceAll("/+$", "");
        this.routes = routes;
        this.server = server;
        this.duration = duration;
        this.nginx = Nginx.start();
        routes.deploy(ROUTE_FILE, """
                # Benchmark (g): a responder for request-reply. (h): an HTTP pass-through to the nginx backend, and
                # (h_local) a route answering the backend's body itself: the same HTTP layer without the backend call.
                - route:
                    id: bench-responder
                    from:
                      uri: "jms:queue:bench.reply"
                      parameters:
                        concurrentConsumers: 8
                      steps:
                        - setBody:
                            constant: "{\\"ok\\": true}"
                - route:
                    id: bench-answer
                    from:
                      uri: "platform-http:/hooks/bench-answer"
                      steps:
                        - setBody:
                            constant: "%s"
                - route:
                    id: bench-proxy
                    from:
                      uri: "platform-http:/hooks/bench-proxy"
                      steps:
                        # The caller's credentials and path stay here; the backend gets /echo.
                        - removeHeaders:
                            pattern: "Authorization|CamelHttpPath|CamelHttpUri"
                        - to: "%s/echo?bridgeEndpoint=true"
                """.formatted(Nginx.ECHO_BODY.replace("\n", "\\n"), nginx.backendUrl()));
    }

    /** (f) wrk POSTs 1 KiB bodies to the gateway; the messages are then purged. */
    Wrk.Result gateway() throws Exception {
        Path script = Wrk.luaScript("POST", Map.of("Authorization", authorization, "Content-Type", "text/plain"),
                body);
        Wrk.Result result = new Wrk(base + "/api/queues/bench.http", CONNECTIONS, 2, duration,
                Duration.ofSeconds(10), script).run();
        var queue = server.locateQueue(SimpleString.of("bench.http"));
        if (queue != null) {
            queue.deleteAllReferences();
        }
        check(result);
        return result;
    }

    /**
     * (g) Request-reply at a fixed rate, latency measured from each request's due time: wrk with the open-loop script
     * ({@link OpenLoopWrk}), outside this JVM; {@code -Dcaravan.bench.request-reply-generator=jvm} drives it with the
     * JDK HTTP client from inside this JVM instead ({@link OpenLoopLoad}, the generator before 2026-12-04), to compare.
     */
    OpenLoopLoad.Result requestReply(double rate) throws Exception {
        String url = base + "/api/requests/bench.reply?timeout=5s";
        String json = "{\"n\": 1}";
        OpenLoopLoad.Result result;
        if ("jvm".equals(System.getProperty("caravan.bench.request-reply-generator"))) {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", authorization).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(json)).build();
            result = new OpenLoopLoad(rate, duration, Duration.ofSeconds(10), MAX_IN_FLIGHT)
                    .run(OpenLoopLoad.http(client, request, 200));
        } else {
            result = new OpenLoopWrk(url, rate, MAX_IN_FLIGHT, duration, Duration.ofSeconds(2), "POST",
                    Map.of("Authorization", authorization, "Content-Type", "application/json"), json, 200).run();
        }
        // Requests that time out or fail are reported with the round (a saturated system), not thrown: the run goes on.
        if (result.completed() == 0) {
            throw new IllegalStateException("request-reply: nothing completed: " + result, result.firstFailure());
        }
        return result;
    }

    /** (g)'s path under a closed-loop load (wrk): its latency with one connection, its capacity with many. */
    Wrk.Result requestReplyClosedLoop(int connections) throws Exception {
        Path script = Wrk.luaScript("POST", Map.of("Authorization", authorization, "Content-Type", "application/json"),
                "{\"n\": 1}");
        return new Wrk(base + "/api/requests/bench.reply?timeout=5s", connections, 1, duration, Duration.ofSeconds(10),
                script).run();
    }

    /** (h) The same wrk load through Caravan's pass-through route and through nginx, to the same backend. */
    Wrk.Result passThroughCaravan() throws Exception {
        return getAt64Connections(base + "/hooks/bench-proxy");
    }

    /**
     * (h_local) The same load on an HTTP route that answers the backend's body itself: Caravan's HTTP layer (server,
     * login, platform-http, a worker thread) without the backend call — what any HTTP route here can reach at most.
     */
    Wrk.Result answerLocally() throws Exception {
        return getAt64Connections(base + "/hooks/bench-answer");
    }

    Wrk.Result passThroughNginx() throws Exception {
        return getAt64Connections(nginx.proxyUrl() + "/echo");
    }

    /** (h)'s load: GET with the app's login (nginx ignores it), wrk at 64 connections; any error fails the round. */
    private Wrk.Result getAt64Connections(String url) throws Exception {
        Path script = Wrk.luaScript("GET", Map.of("Authorization", authorization), null);
        Wrk.Result result = new Wrk(url, CONNECTIONS, 2, duration, Duration.ofSeconds(10), script).run();
        check(result);
        return result;
    }

    private static void check(Wrk.Result result) {
        if (result.non2xx3xx() > 0 || result.socketErrors().total() > 0 || result.requests() == 0) {
            throw new IllegalStateException("wrk saw errors: " + result.output());
        }
    }

    static List<Double> values(List<Wrk.Result> results, java.util.function.ToDoubleFunction<Wrk.Result> f) {
        List<Double> values = new ArrayList<>();
        results.forEach(r -> values.add(f.applyAsDouble(r)));
        return values;
    }

    @Override
    public void close() throws Exception {
        routes.undeploy(ROUTE_FILE);
        nginx.close();
    }
}
