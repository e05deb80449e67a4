package dev.caravan.security;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.jms.JMSSecurityException;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/**
 * Failed logins, over HTTP and on the broker: each is logged with the user and the source but never the password;
 * after {@code caravan.security.login.max-failures} (5) the user is refused unchecked from that source (HTTP 429 with
 * Retry-After) until the window ({@code %test}: 5 s) has passed; other users log in meanwhile.
 */
@QuarkusTest
class LoginRateLimitTest extends CaravanTestSupport {

    private static final int MAX_FAILURES = 5;

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Inject
    LoginThrottle throttle;

    @BeforeEach
    void captureLog() {
        Logger.getLogger(LoginThrottle.class.getName()).addHandler(capture);
        // Start from a clean count: tests before this one (in the shared boot) may have failed logins of these users
        // from this address within the window. A successful login is what clears a count; this is the same call.
        for (String user : List.of("app", "operator", "admin")) {
            throttle.succeeded(user, "127.0.0.1");
        }
    }

    @AfterEach
    void releaseLog() {
        Logger.getLogger(LoginThrottle.class.getName()).removeHandler(capture);
        // Leave no lock-out behind for the tests that run after this one in the shared boot (the console and
        // dead-letter page tests log in as operator).
        for (String user : List.of("app", "operator", "admin")) {
            throttle.succeeded(user, "127.0.0.1");
        }
    }

    @Test
    void httpFailuresAreLoggedWithoutThePasswordThenThrottledWith429() {
        String guess = "Guess-" + System.nanoTime();
        for (int i = 0; i < MAX_FAILURES; i++) {
            given().auth().preemptive().basic("operator", guess + i).get("/api/routes/files").then().statusCode(401);
        }
        // Even the right password is not checked now.
        String retryAfter = given().auth().preemptive().basic("operator", "operator").get("/api/routes/files").then()
                .statusCode(429).contentType("application/json").body("error", containsString("too many failed logins"))
                .extract().header("Retry-After");
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 5);
        // Other users are not locked out.
        given().auth().preemptive().basic("admin", "admin").get("/api/routes/files").then().statusCode(200);

        assertThat(logged).filteredOn(l -> l.startsWith("HTTP login refused for user 'operator' from 127.0.0.1"))
                .hasSize(MAX_FAILURES);
        assertThat(logged).anyMatch(l -> l.contains("further attempts refused"));
        assertThat(String.join("\n", logged)).doesNotContain(guess);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).until(() -> given().auth()
                .preemptive().basic("operator", "operator").get("/api/routes/files").statusCode() == 200);
    }

    @Test
    void brokerFailuresAreLoggedWithoutThePasswordThenThrottled() throws Exception {
        String guess = "Guess-" + System.nanoTime();
        for (int i = 0; i < MAX_FAILURES; i++) {
            String password = guess + i;
            assertThatThrownBy(() -> Jms.connect(port, "app", password).close())
                    .isInstanceOf(JMSSecurityException.class);
        }
        assertThatThrownBy(() -> Jms.connect(port, "app", "app").close()).isInstanceOf(JMSSecurityException.class);
        // Over HTTP too: one count per user and source, whichever door is tried.
        given().auth().preemptive().basic("app", "app").contentType("text/plain").body("x")
                .post("/api/queues/login.limit").then().statusCode(429);
        Jms.connect(port, "operator", "operator").close();

        assertThat(logged).filteredOn(l -> l.startsWith("Broker login refused for user 'app' from 127.0.0.1"))
                .hasSize(MAX_FAILURES);
        assertThat(String.join("\n", logged)).doesNotContain(guess);

        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> {
                    Jms.connect(port, "app", "app").close();
                    return true;
                });
    }

    @Test
    void aLockOutDoesNotCutAConnectionThatHadAlreadyLoggedIn() throws Exception {
        String queue = "login.limit.established";
        try (Jms established = Jms.connect(port, "app", "app")) {
            established.sendText(queue, "before");
            for (int i = 0; i < MAX_FAILURES; i++) {
                String password = "Guess-" + System.nanoTime();
                assertThatThrownBy(() -> Jms.connect(port, "app", password).close())
                        .isInstanceOf(JMSSecurityException.class);
            }
            // A new login is refused, even with the right password...
            assertThatThrownBy(() -> Jms.connect(port, "app", "app").close())
                    .isInstanceOf(JMSSecurityException.class);
            // ...but the broker, which checks every message sent, does not log the open connection in again.
            established.sendText(queue, "during");
            assertThat(established.receive(queue, 2, 10_000)).extracting(Jms::text)
                    .containsExactly("before", "during");
        }
    }
}
