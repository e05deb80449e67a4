package dev.caravan.security;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;

/**
 * Counts failed logins per user and source (the client's address) for the broker and HTTP alike, so guessing a
 * password over AMQP and then over HTTP counts once. After {@code caravan.security.login.max-failures} failures within
 * {@code window} (counted from the first), further attempts of that user from that source are refused without
 * checking the password until the window has passed; a successful login clears the count. Other users, and the same
 * user from elsewhere, are not affected.
 * <p>
 * Memory is bounded: at most {@code max-tracked} pairs are remembered, least recently touched forgotten first, and
 * every name that is not a known user counts as one pseudo-user per source, so spraying made-up names neither grows
 * the table nor pushes a real user's count out of it.
 */
@Singleton
public class LoginThrottle {

    private static final Logger LOG = Logger.getLogger(LoginThrottle.class);
    /** Unknown user names share this key: what matters is that a source is guessing, not which names it invents. */
    static final String UNKNOWN_USER = "<unknown user>";
    private static final int MAX_LOGGED_NAME = 64;

    private final int maxFailures;
    private final Duration window;
    private final Clock clock;
    private final UserRegistry users;
    private final Map<Key, Window> windows;

    @Inject
    public LoginThrottle(SecurityConfig config, UserRegistry users) {
        this(config.login().maxFailures(), config.login().window(), config.login().maxTracked(), users,
                Clock.systemUTC());
    }

    LoginThrottle(int maxFailures, Duration window, int maxTracked, UserRegistry users, Clock clock) {
        this.maxFailures = maxFailures;
        this.window = window;
        this.users = users;
        this.clock = clock;
        this.windows = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, Window> eldest) {
                return size() > maxTracked;
            }
        };
    }

    /**
     * How many pairs are counted, for the lock-free check above. Every login passes here — every new broker login,
     * and HTTP on every request — and a single lock around an access-ordered map
     * made all of them wait on each other (measured: gateway throughput halved).
     */
    private volatile int tracking;

    /** How long attempts of {@code user} from {@code source} are still refused unchecked; empty when they may try. */
    public Optional<Duration> refusedFor(String user, String source) {
        if (tracking == 0) {
            return Optional.empty(); // nobody has failed lately: no lock on the path of every login
        }
        synchronized (this) {
            return refusedForLocked(user, source);
        }
    }

    private Optional<Duration> refusedForLocked(String user, String source) {
        Key key = key(user, source);
        Window current = windows.get(key);
        if (current == null) {
            return Optional.empty();
        }
        Duration left = Duration.between(clock.instant(), current.endsAt());
        if (left.isNegative() || left.isZero()) {
            windows.remove(key);
            tracking = windows.size();
            return Optional.empty();
        }
        return current.failures >= maxFailures ? Optional.of(left) : Optional.empty();
    }

    /** Records a failed login and logs it (never the password); the failure that reaches the limit says so. */
    public synchronized void failed(String channel, String user, String source) {
        Key key = key(user, source);
        Window current = windows.get(key);
        if (current == null || !clock.instant().isBefore(current.endsAt())) {
            current = new Window(clock.instant().plus(window));
            windows.put(key, current);
            tracking = windows.size();
        }
        current.failures++;
        if (current.failures >= maxFailures) {
            LOG.warnf("%s login refused for user '%s' from %s: %d failed logins within %d s, further attempts"
                    + " refused for %d s", channel, printable(user), source, current.failures, window.toSeconds(),
                    Math.max(1, Duration.between(clock.instant(), current.endsAt()).toSeconds()));
        } else {
            LOG.warnf("%s login refused for user '%s' from %s (%d of %d failed logins allowed within %d s)", channel,
                    printable(user), source, current.failures, maxFailures, window.toSeconds());
        }
    }

    /** A successful login clears the user's count from that source. */
    public void succeeded(String user, String source) {
        if (tracking == 0) {
            return;
        }
        synchronized (this) {
            windows.remove(key(user, source));
            tracking = windows.size();
        }
    }

    /** Pairs remembered now (for tests of the memory bound). */
    synchronized int tracked() {
        return windows.size();
    }

    private Key key(String user, String source) {
        String name = user != null && users.find(user).isPresent() ? user : UNKNOWN_USER;
        return new Key(name, source == null ? "unknown" : source);
    }

    /**
     * A user name as it may appear in the log: at most 64 characters, control characters escaped, so a crafted name
     * cannot forge log lines.
     */
    static String printable(String name) {
        if (name == null) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < name.length() && i < MAX_LOGGED_NAME; i++) {
            char c = name.charAt(i);
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return name.length() > MAX_LOGGED_NAME ? out + "…" : out.toString();
    }

    /**
     * The host part of a remote address as Netty and Vert.x print it ({@code /127.0.0.1:54321}, {@code
     * 127.0.0.1:54321}): the port changes with every connection, so a count keyed on it would never grow.
     */
    public static String host(String remoteAddress) {
        if (remoteAddress == null || remoteAddress.isBlank()) {
            return "unknown";
        }
        String address = remoteAddress.startsWith("/") ? remoteAddress.substring(1) : remoteAddress;
        int slash = address.indexOf('/');
        if (slash >= 0) {
            // "hostname/1.2.3.4:port": keep the address
            address = address.substring(slash + 1);
        }
        int colon = address.lastIndexOf(':');
        if (colon > 0 && address.substring(colon + 1).chars().allMatch(Character::isDigit)
                && colon < address.length() - 1) {
            address = address.substring(0, colon);
        }
        if (address.startsWith("[") && address.endsWith("]")) {
            address = address.substring(1, address.length() - 1);
        }
        return address;
    }

    private record Key(String user, String source) {
    }

    private static final class Window {
        private final java.time.Instant endsAt;
        private int failures;

        Window(java.time.Instant endsAt) {
            this.endsAt = endsAt;
        }

        java.time.Instant endsAt() {
            return endsAt;
        }
    }
}
