package dev.caravan.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

class NginxTest {

    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void backendAndProxyAnswerTheSameKibibyteThenCloseFreesThePorts() throws Exception {
        assumeTrue(Nginx.available(), "nginx is not installed at " + Nginx.BINARY);
        int backendPort = freePort();
        int proxyPort = freePort();
        long pid;
        try (Nginx nginx = Nginx.start(backendPort, proxyPort)) {
            pid = nginx.pid();
            assertThat(nginx.backendUrl()).isEqualTo("http://127.0.0.1:" + backendPort);
            assertThat(nginx.proxyUrl()).isEqualTo("http://127.0.0.1:" + proxyPort);

            HttpResponse<String> backend = get(nginx.backendUrl() + "/echo");
            HttpResponse<String> proxied = get(nginx.proxyUrl() + "/echo");
            HttpResponse<String> posted = client.send(HttpRequest.newBuilder(URI.create(nginx.proxyUrl() + "/echo"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"hello\":\"nginx\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(backend.statusCode()).isEqualTo(200);
            assertThat(backend.body()).isEqualTo(Nginx.ECHO_BODY);
            assertThat(backend.body().getBytes(StandardCharsets.US_ASCII)).hasSize(1024);
            assertThat(proxied.statusCode()).isEqualTo(200);
            assertThat(proxied.body()).isEqualTo(Nginx.ECHO_BODY);
            assertThat(posted.statusCode()).isEqualTo(200);
            assertThat(posted.body()).isEqualTo(Nginx.ECHO_BODY);
            assertThat(get(nginx.proxyUrl() + "/elsewhere").statusCode()).isEqualTo(404);
            assertThat(nginx.logs()).doesNotContain("[emerg]", "[alert]", "[crit]");
        }

        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(accepts(backendPort)).isFalse();
        assertThat(accepts(proxyPort)).isFalse();
    }

    @Test
    void startOnFreePortsAndCloseDeletesThePrefix() throws Exception {
        assumeTrue(Nginx.available(), "nginx is not installed at " + Nginx.BINARY);
        Path prefix;
        try (Nginx nginx = Nginx.start()) {
            prefix = nginx.prefix();
            assertThat(prefix.resolve("nginx.conf")).exists();
            assertThat(nginx.backendPort()).isNotEqualTo(nginx.proxyPort());
            assertThat(get(nginx.proxyUrl() + "/echo").body()).isEqualTo(Nginx.ECHO_BODY);
        }
        assertThat(Files.exists(prefix)).isFalse();
    }

    @Test
    void startFailureReportsNginxsErrorLog() throws Exception {
        assumeTrue(Nginx.available(), "nginx is not installed at " + Nginx.BINARY);
        // nginx refuses port 0 in its configuration: it says why in its error log and exits
        assertThatThrownBy(() -> Nginx.start(0, freePort())).isInstanceOf(IOException.class)
                .hasMessageContaining("nginx exited").hasMessageContaining("error.log")
                .hasMessageContaining("invalid port");
        assertThatThrownBy(() -> Nginx.start(-1, 80)).isInstanceOf(IllegalArgumentException.class);
    }

    private HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
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
