package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The refusal rule on its own: development passwords only while everything binds to loopback. */
class DefaultPasswordGuardTest {

    @Test
    void loopbackWithDefaultsIsAccepted() {
        assertThat(DefaultPasswordGuard.refusal("127.0.0.1", "127.0.0.1", List.of("admin"))).isEmpty();
        assertThat(DefaultPasswordGuard.refusal("localhost", "::1", List.of("admin"))).isEmpty();
    }

    @Test
    void wildcardHttpWithDefaultsIsRefusedNamingTheSetting() {
        Optional<String> refusal = DefaultPasswordGuard.refusal("0.0.0.0", "127.0.0.1", List.of("admin", "app"));
        assertThat(refusal).hasValueSatisfying(message -> assertThat(message)
                .contains("quarkus.http.host=0.0.0.0")
                .contains("CARAVAN_ADMIN_PASSWORD")
                .contains("CARAVAN_APP_PASSWORD"));
    }

    @Test
    void wildcardBrokerWithDefaultsIsRefused() {
        assertThat(DefaultPasswordGuard.refusal("127.0.0.1", "0.0.0.0", List.of("operator")))
                .hasValueSatisfying(m -> assertThat(m).contains("caravan.broker.host=0.0.0.0")
                        .contains("CARAVAN_OPERATOR_PASSWORD"));
    }

    @Test
    void wildcardWithRealPasswordsIsAccepted() {
        assertThat(DefaultPasswordGuard.refusal("0.0.0.0", "0.0.0.0", List.of())).isEmpty();
    }

    @Test
    void externalBrokerOnlyChecksHttp() {
        assertThat(DefaultPasswordGuard.refusal("127.0.0.1", null, List.of("admin"))).isEmpty();
    }

    @Test
    void passwordEqualToUserNameCountsAsDevelopmentDefault() {
        UserRegistry registry = new UserRegistry(Map.of(
                "admin", user(Optional.empty(), "admin"),
                "operator", user(Optional.of("operator"), "operator"),
                "app", user(Optional.of("s3cret-app"), "app")));
        assertThat(registry.usersWithDevelopmentDefaults()).extracting(UserRegistry.User::name)
                .containsExactlyInAnyOrder("admin", "operator");
        assertThat(registry.authenticate("app", "s3cret-app")).isPresent();
        assertThat(registry.authenticate("app", "app")).isEmpty();
        assertThat(registry.authenticate("nobody", "nobody")).isEmpty();
        assertThat(registry.find("app").orElseThrow().toString()).doesNotContain("s3cret");
    }

    private static SecurityConfig.UserConfig user(Optional<String> password, String... roles) {
        return new SecurityConfig.UserConfig() {
            @Override
            public Optional<String> password() {
                return password;
            }

            @Override
            public List<String> roles() {
                return List.of(roles);
            }
        };
    }
}
