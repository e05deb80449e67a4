package dev.caravan.security;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Caravan's users and roles: the one place they are defined. The same users log in to the broker (every
 * protocol), the HTTP API and the console. Passwords come from the environment
 * ({@code CARAVAN_ADMIN_PASSWORD}, …), never from the repository.
 */
@ConfigMapping(prefix = "caravan.security")
public interface SecurityConfig {

    /** Users by name. */
    Map<String, UserConfig> users();

    /** Failed logins: how many a user may have from one source before further attempts are refused unchecked. */
    Login login();

    interface Login {
        /** Failed logins per user and source within {@link #window()} before further attempts are refused. */
        @WithDefault("5")
        int maxFailures();

        /** How long failures count, from the first one; attempts are refused until it has passed. */
        @WithDefault("60s")
        Duration window();

        /** Most user-and-source pairs remembered at once (oldest forgotten first), so memory stays bounded. */
        @WithDefault("10000")
        int maxTracked();
    }

    interface UserConfig {
        /** The password; when absent the built-in development default (the user name) applies. */
        Optional<String> password();

        /** Roles: {@code app}, {@code operator}, {@code admin}. */
        List<String> roles();
    }
}
