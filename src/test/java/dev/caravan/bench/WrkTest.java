package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.caravan.testing.LocalHttp;

class WrkTest {

    private static final String MICROS = """
            Running 1s test @ http://127.0.0.1:8080/echo
              2 threads and 2 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   105.23us   50.12us   1.20ms   90.00%
                Req/Sec     9.50k   500.00    10.10k    70.00%
              Latency Distribution
                 50%   98.00us
                 75%  110.00us
                 90%  130.00us
                 99%  300.00us
              18900 requests in 1.00s, 2.50MB read
            Requests/sec:  18876.12
            Transfer/sec:      2.49MB
            """;

    private static final String MILLIS_WITH_ERRORS = """
            Running 10s test @ http://127.0.0.1:8081/
              4 threads and 64 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     2.83ms    2.54ms  25.45ms   89.40%
                Req/Sec   779.30    222.79     1.11k    60.00%
              Latency Distribution
                 50%    1.91ms
                 75%    3.31ms
                 90%    5.44ms
                 99%   14.75ms
              31090 requests in 10.10s, 664.73KB read
              Socket errors: connect 3, read 12, write 1, timeout 7
              Non-2xx or 3xx responses: 1309
            Requests/sec:   3078.22
            Transfer/sec:     65.81KB
            """;

    private static final String SECONDS_AND_TIMEOUTS = """
            Running 5s test @ http://127.0.0.1:8082/slow
              1 threads and 2 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency     1.10s   300.00ms   1.90s    66.67%
                Req/Sec     0.50      0.71     2.00     80.00%
              Latency Distribution
                 50%  950.00ms
                 75%    1.20s
                 90%    1.75s
                 99%    1.90s
              8 requests in 5.01s, 1.02KB read
              Socket errors: connect 0, read 0, write 0, timeout 2
            Requests/sec:      1.60
            Transfer/sec:     208.00B
            """;

    @Test
    void parsesMicrosecondsWithoutErrorLines() {
        Wrk.Result r = Wrk.parse(MICROS);

        assertThat(r.requests()).isEqualTo(18900);
        assertThat(r.requestsPerSecond()).isEqualTo(18876.12);
        assertThat(r.p50Millis()).isCloseTo(0.098, within(1e-9));
        assertThat(r.p75Millis()).isCloseTo(0.110, within(1e-9));
        assertThat(r.p90Millis()).isCloseTo(0.130, within(1e-9));
        assertThat(r.p99Millis()).isCloseTo(0.300, within(1e-9));
        assertThat(r.non2xx3xx()).isZero();
        assertThat(r.socketErrors().total()).isZero();
        assertThat(r.transferBytesPerSecond()).isCloseTo(2.49 * 1024 * 1024, within(1.0));
        assertThat(r.output()).isEqualTo(MICROS);
    }

    @Test
    void parsesMillisecondsWithNon2xxAndSocketErrors() {
        Wrk.Result r = Wrk.parse(MILLIS_WITH_ERRORS);

        assertThat(r.requests()).isEqualTo(31090);
        assertThat(r.requestsPerSecond()).isEqualTo(3078.22);
        assertThat(r.p50Millis()).isEqualTo(1.91);
        assertThat(r.p99Millis()).isEqualTo(14.75);
        assertThat(r.non2xx3xx()).isEqualTo(1309);
        assertThat(r.socketErrors()).isEqualTo(new Wrk.SocketErrors(3, 12, 1, 7));
        assertThat(r.socketErrors().total()).isEqualTo(23);
        assertThat(r.transferBytesPerSecond()).isCloseTo(65.81 * 1024, within(0.01));
    }

    @Test
    void parsesSecondsAndPlainBytes() {
        Wrk.Result r = Wrk.parse(SECONDS_AND_TIMEOUTS);

        assertThat(r.p50Millis()).isCloseTo(950, within(1e-9));
        assertThat(r.p75Millis()).isCloseTo(1200, within(1e-9));
        assertThat(r.p90Millis()).isCloseTo(1750, within(1e-9));
        assertThat(r.p99Millis()).isCloseTo(1900, within(1e-9));
        assertThat(r.socketErrors().timeout()).isEqualTo(2);
        assertThat(r.non2xx3xx()).isZero();
        assertThat(r.transferBytesPerSecond()).isEqualTo(208.0);
    }

    @Test
    void unreadableOutputThrowsWithTheOutput() {
        String noDistribution = MICROS.replaceAll("(?s)  Latency Distribution.*?99%  300.00us\n", "");

        assertThatThrownBy(() -> Wrk.parse(noDistribution)).isInstanceOf(Wrk.WrkException.class)
                .hasMessageContaining("Latency Distribution").hasMessageContaining("18900 requests");
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused"))
                .isInstanceOf(Wrk.WrkException.class).hasMessageContaining("Connection refused");
    }

    @Test
    void luaStringsEscapeQuotesControlCharactersAndNonAscii() {
        assertThat(Wrk.luaString("a\"b\\c\nd é")).isEqualTo("\"a\\034b\\092c\\010d \\195\\169\"");
        assertThatThrownBy(() -> new Wrk("http://127.0.0.1:1/", 1, 2, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Wrk("http://127.0.0.1:1/", 1, 1, Duration.ofMillis(1500)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void realRunPostsTheScriptedBodyAndHeaders() throws Exception {
        assumeTrue(Wrk.available(), "wrk is not installed at " + Wrk.BINARY);
        String body = "{\"greeting\": \"héllo \\\"wrk\\\"\"}\n";
        String auth = LocalHttp.basicAuth("bench", "s3cret");
        AtomicLong good = new AtomicLong();
        AtomicReference<String> bad = new AtomicReference<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/echo", exchange -> {
            String received = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            boolean ok = exchange.getRequestMethod().equals("POST") && received.equals(body)
                    && auth.equals(exchange.getRequestHeaders().getFirst("Authorization"))
                    && "application/json".equals(exchange.getRequestHeaders().getFirst("Content-Type"));
            if (ok) {
                good.incrementAndGet();
            } else {
                bad.compareAndSet(null, exchange.getRequestMethod() + " " + exchange.getRequestHeaders() + " "
                        + received);
            }
            byte[] answer = "ok".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(ok ? 200 : 400, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        Path script = Wrk.luaScript("POST", Map.of("Authorization", auth, "Content-Type", "application/json"), body);
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";

            Wrk.Result r = new Wrk(url, 2, 1, Duration.ofSeconds(1), Duration.ofSeconds(2), script).run();

            assertThat(bad.get()).isNull();
            assertThat(r.requests()).isPositive();
            assertThat(good.get()).isPositive();
            assertThat(r.non2xx3xx()).isZero();
            assertThat(r.requestsPerSecond()).isPositive();
            assertThat(r.p50Millis()).isPositive();
        } finally {
            server.stop(0);
            Files.deleteIfExists(script);
        }
    }

    @Test
    void nonZeroExitThrowsWithTheOutput() throws Exception {
        assumeTrue(Wrk.available(), "wrk is not installed at " + Wrk.BINARY);
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        Wrk wrk = new Wrk("http://127.0.0.1:" + closedPort + "/", 1, 1, Duration.ofSeconds(1));

        assertThatThrownBy(wrk::run).isInstanceOf(Wrk.WrkException.class).hasMessageContaining("exited with")
                .hasMessageContaining("unable to connect");
    }
}
