package dev.caravan.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.vertx.ext.web.Router;

import dev.caravan.broker.BrokerConfig;

/**
 * Refuses to start Caravan when something listens beyond loopback while a user still has its built-in development
 * password. It runs before the broker starts and before the HTTP server is bound, so a refused start never listens.
 */
@Singleton
public class DefaultPasswordGuard {

    private final UserRegistry users;
    private final BrokerConfig broker;
    private final String httpHost;

    @Inject
    public DefaultPasswordGuard(UserRegistry users, BrokerConfig broker,
            @ConfigProperty(name = "quarkus.http.host", defaultValue = "127.0.0.1") String httpHost) {
        this.users = users;
        this.broker = broker;
        this.httpHost = httpHost;
    }

    /** Throws {@link InsecureDefaultsException} naming the setting to change, or returns. */
    public void check() {
        refusal(httpHost, broker.embedded() ? broker.host() : null,
                users.usersWithDevelopmentDefaults().stream().map(UserRegistry.User::name).toList())
                .ifPresent(message -> {
                    throw new InsecureDefaultsException(message);
                });
    }

    /**
     * The reason to refuse, if any: an address beyond loopback while a user has the development password.
     *
     * @param httpHost {@code quarkus.http.host}
     * @param brokerHost the embedded broker's host, null without an embedded broker
     * @param usersWithDefaults names of users still on the development password
     */
    static Optional<String> refusal(String httpHost, String brokerHost, List<String> usersWithDefaults) {
        List<String> exposed = new ArrayList<>();
        if (!isLoopback(httpHost)) {
            exposed.add("quarkus.http.host=" + httpHost);
        }
        if (brokerHost != null && !isLoopback(brokerHost)) {
            exposed.add("caravan.broker.host=" + brokerHost);
        }
        if (exposed.isEmpty() || usersWithDefaults.isEmpty()) {
            return Optional.empty();
        }
        String variables = usersWithDefaults.stream()
                .map(u -> "CARAVAN_" + u.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_PASSWORD")
                .collect(Collectors.joining(", "));
        return Optional.of("Refusing to start: " + String.join(" and ", exposed)
                + (exposed.size() > 1 ? " are not loopback addresses" : " is not a loopback address")
                + ", but user(s) " + String.join(", ", usersWithDefaults)
                + " still have the built-in development password. Set " + variables
                + " (or caravan.security.users.<name>.password), or bind to 127.0.0.1.");
    }

    /** Checked while the HTTP router is built, which is before Quarkus binds the HTTP port. */
    void onRouter(@Observes Router router) {
        check();
    }

    static boolean isLoopback(String host) {
        if (host == null || host.isBlank()) {
            return false;
        }
        try {
            InetAddress address = InetAddress.getByName(host);
            return address.isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Thrown when Caravan would expose development passwords beyond loopback. */
    public static class InsecureDefaultsException extends IllegalStateException {
        public InsecureDefaultsException(String message) {
            super(message);
        }
    }
}
