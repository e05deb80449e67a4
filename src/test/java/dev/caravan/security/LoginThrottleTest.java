package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The counting itself, on a clock the test moves: limit, window, other users and sources, bounded memory. */
class LoginThrottleTest {

    private final MutableClock clock = new MutableClock();
    private final UserRegistry users = new UserRegistry(Map.of(
            "ada", user("ada-pw"), "bob", user("bob-pw")));
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(60), 100, users, clock);

    @Test
    void refusesAfterTheLimitUntilTheWindowHasPassed() {
        for (int i = 0; i < 2; i++) {
            throttle.failed("HTTP", "ada", "10.0.0.1");
            assertThat(throttle.refusedFor("ada", "10.0.0.1")).isEmpty();
        }
        throttle.failed("HTTP", "ada", "10.0.0.1");
        assertThat(throttle.refusedFor("ada", "10.0.0.1")).contains(Duration.ofSeconds(60));
        clock.advance(Duration.ofSeconds(59));
        assertThat(throttle.refusedFor("ada", "10.0.0.1")).contains(Duration.ofSeconds(1));
        // Other users, and the same user from elsewhere, are not locked out.
        assertThat(throttle.refusedFor("bob", "10.0.0.1")).isEmpty();
        assertThat(throttle.refusedFor("ada", "10.0.0.2")).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(throttle.refusedFor("ada", "10.0.0.1")).isEmpty();
    }

    @Test
    void aSuccessClearsTheCountAndFailuresOfAnOldWindowDoNotCarryOver() {
        throttle.failed("HTTP", "ada", "10.0.0.1");
        throttle.failed("HTTP", "ada", "10.0.0.1");
        throttle.succeeded("ada", "10.0.0.1");
        throttle.failed("HTTP", "ada", "10.0.0.1");
        throttle.failed("HTTP", "ada", "10.0.0.1");
        assertThat(throttle.refusedFor("ada", "10.0.0.1")).isEmpty();
        clock.advance(Duration.ofSeconds(61));
        throttle.failed("HTTP", "ada", "10.0.0.1");
        assertThat(throttle.refusedFor("ada", "10.0.0.1")).isEmpty();
    }

    @Test
    void madeUpNamesShareOneCountPerSourceSoTheyNeitherGrowMemoryNorEvictRealUsers() {
        throttle.failed("Broker", "ada", "10.0.0.1");
        for (int i = 0; i < 1_000; i++) {
            throttle.failed("Broker", "guess-" + i, "10.0.0.1");
        }
        assertThat(throttle.tracked()).isEqualTo(2);
        assertThat(throttle.refusedFor("anything-else", "10.0.0.1")).isPresent();
        assertThat(throttle.refusedFor("ada", "10.0.0.1")).isEmpty();
    }

    @Test
    void memoryIsBoundedAcrossManySources() {
        for (int i = 0; i < 1_000; i++) {
            throttle.failed("HTTP", "ada", "10.0." + (i / 250) + "." + (i % 250));
        }
        assertThat(throttle.tracked()).isEqualTo(100);
    }

    @Test
    void logNamesCannotForgeLinesAndSourcesLoseTheirPort() {
        assertThat(LoginThrottle.printable("ada\nINFO fake line")).isEqualTo("ada\\u000aINFO fake line");
        assertThat(LoginThrottle.printable("x".repeat(100))).hasSize(65);
        for (Map.Entry<String, String> c : Map.of("/127.0.0.1:54321", "127.0.0.1", "localhost/127.0.0.1:1",
                "127.0.0.1", "[::1]:61616", "::1", "invm:0", "invm").entrySet()) {
            assertThat(LoginThrottle.host(c.getKey())).as(c.getKey()).isEqualTo(c.getValue());
        }
    }

    /** A configured user, as application.properties would give it (also for BrokerSecurityManagerTest). */
    static SecurityConfig.UserConfig user(String password, String... roles) {
        return new SecurityConfig.UserConfig() {
            @Override
            public Optional<String> password() {
                return Optional.of(password);
            }

            @Override
            public List<String> roles() {
                return List.of(roles);
            }
        };
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
