package dev.caravan.security;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * Caravan's users and roles: the one place they are defined. The same users log in to the broker (every
 * protocol), the HTTP API and the console. Passwords come from the environment
 * ({@code CARAVAN_ADMIN_PASSWORD}, …), never from the repository.
 */
@ConfigMapping(prefix = "caravan.security")
public interface SecurityConfig {

    /** Users by name. */
    Map<String, UserConfig> users();

    interface UserConfig {
        /** The password; when absent the built-in development default (the user name) applies. */
        Optional<String> password();

        /** Roles: {@code app}, {@code operator}, {@code admin}. */
        List<String> roles();
    }
}
