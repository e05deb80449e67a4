package dev.caravan.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Caravan's users, built once from {@link SecurityConfig} and consulted by the broker's security manager and the HTTP
 * identity provider alike, so a user or role never has to be defined twice.
 */
@Singleton
public class UserRegistry {

    /** Roles an application system needs: send and consume on its addresses, call the HTTP gateway. */
    public static final String ROLE_APP = "app";
    /** Operators inspect and replay; they may manage queues. */
    public static final String ROLE_OPERATOR = "operator";
    /** Administrators may do everything. */
    public static final String ROLE_ADMIN = "admin";

    /** A user as Caravan knows it. */
    public record User(String name, String password, Set<String> roles, boolean developmentDefault) {
        @Override
        public String toString() {
            // Never print the password, whoever logs this record.
            return "User[name=" + name + ", roles=" + roles + ", developmentDefault=" + developmentDefault + "]";
        }
    }

    private final Map<String, User> users;

    @Inject
    public UserRegistry(SecurityConfig config) {
        this(config.users());
    }

    UserRegistry(Map<String, SecurityConfig.UserConfig> configured) {
        Map<String, User> byName = new LinkedHashMap<>();
        configured.forEach((name, user) -> {
            Optional<String> password = user.password().filter(p -> !p.isBlank());
            // The development default is the user name itself: obvious, documented, and recognisable so that
            // Caravan can refuse it once anything binds beyond loopback.
            String effective = password.orElse(name);
            boolean developmentDefault = effective.equals(name);
            byName.put(name, new User(name, effective, Set.copyOf(user.roles()), developmentDefault));
        });
        this.users = Collections.unmodifiableMap(byName);
    }

    /** The user whose name and password match, compared in constant time; empty otherwise. */
    public Optional<User> authenticate(String name, String password) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        User user = users.get(name);
        byte[] given = password.getBytes(StandardCharsets.UTF_8);
        byte[] expected = (user == null ? "\u0000no-such-user" : user.password()).getBytes(StandardCharsets.UTF_8);
        boolean matches = MessageDigest.isEqual(given, expected);
        return user != null && matches ? Optional.of(user) : Optional.empty();
    }

    public Optional<User> find(String name) {
        return Optional.ofNullable(users.get(name));
    }

    /** Users still on their built-in development password. */
    public List<User> usersWithDevelopmentDefaults() {
        return users.values().stream().filter(User::developmentDefault).toList();
    }
}
