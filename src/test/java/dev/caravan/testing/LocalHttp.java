package dev.caravan.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * HTTP to a Caravan on loopback, the way the packaged-jar tests talk to one they started: the JDK client, HTTP Basic
 * credentials, every request bounded (connect 2 s, answer 30 s), so a hung Caravan fails the test instead of
 * hanging it.
 */
public final class LocalHttp {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration ANSWER = Duration.ofSeconds(30);

    private final int port;

    public LocalHttp(int port) {
        this.port = port;
    }

    /** The value of an {@code Authorization} header for HTTP Basic authentication. */
    public static String basicAuth(String user, String password) {
        return "Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    public HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> get(String path, String user, String password) throws Exception {
        return CLIENT.send(request(path).header("Authorization", basicAuth(user, password)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The status of a GET, or -1 when nothing answers (not started yet, stopped, refused). */
    public int status(String path) {
        try {
            return CLIENT.send(request(path).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    public HttpResponse<String> post(String path, String user, String password, String contentType, String body)
            throws Exception {
        return CLIENT.send(request(path).header("Authorization", basicAuth(user, password))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(ANSWER);
    }
}
