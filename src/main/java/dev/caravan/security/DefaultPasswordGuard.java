package dev.caravan.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
        List<String> exposed = new ArrayList<>();
        if (!isLoopback(httpHost)) {
            exposed.add("quarkus.http.host=" + httpHost);
        }
        if (broker.embedded() && !isLoopback(broker.host())) {
            exposed.add("caravan.broker.host=" + broker.host());
        }
        List<UserRegistry.User> defaults = users.usersWithDevelopmentDefaults();
        if (exposed.isEmpty() || defaults.isEmpty()) {
            return;
        }
        String variables = defaults.stream()
                .map(u -> "CARAVAN_" + u.name().toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_PASSWORD")
                .collect(Collectors.joining(", "));
        String names = defaults.stream().map(UserRegistry.User::name).collect(Collectors.joining(", "));
        throw new InsecureDefaultsException("Refusing to start: " + String.join(" and ", exposed)
                + " is not a loopback address, but user(s) " + names
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
