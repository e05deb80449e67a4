package dev.caravan.security;

import static dev.caravan.security.LoginThrottleTest.user;
import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.junit.jupiter.api.Test;

/**
 * Logins remembered per connection: Artemis asks again on every message sent, and only a connection that has already
 * proved the same user and password is answered without a new, counted and throttled, login.
 */
class BrokerSecurityManagerTest {

    private final UserRegistry users = new UserRegistry(Map.of("ada", user("ada-pw", "sender")));
    private final LoginThrottle throttle = new LoginThrottle(3, Duration.ofSeconds(60), 100, users,
            Clock.systemUTC());
    private final BrokerSecurityManager manager = new BrokerSecurityManager(users, throttle);

    @Test
    void aConnectionThatLoggedInKeepsItsSubjectWhileItsSourceIsLockedOut() {
        RemotingConnection connection = connection("/10.0.0.1:40001");
        Subject first = manager.authenticate("ada", "ada-pw", connection, null);
        assertThat(first.getPrincipals(RolePrincipal.class)).extracting(RolePrincipal::getName)
                .containsExactly("sender");

        lockOut("ada", "10.0.0.1");

        // The same connection, same credentials: the login it already made, not a new one.
        assertThat(manager.authenticate("ada", "ada-pw", connection, null)).isSameAs(first);
        // A new connection from the locked-out source is refused, even with the right password.
        assertThat(manager.authenticate("ada", "ada-pw", connection("/10.0.0.1:40002"), null)).isNull();
        // So is the known connection when it tries other credentials: that is a new login.
        assertThat(manager.authenticate("ada", "other", connection, null)).isNull();
    }

    @Test
    void otherCredentialsOnAKnownConnectionAreCheckedAndCountedAsAnyLogin() {
        RemotingConnection connection = connection("/10.0.0.2:40001");
        assertThat(manager.authenticate("ada", "ada-pw", connection, null)).isNotNull();
        for (int i = 0; i < 3; i++) {
            assertThat(manager.authenticate("ada", "guess-" + i, connection, null)).isNull();
        }
        assertThat(throttle.refusedFor("ada", "10.0.0.2")).isPresent();
        // The remembered login is still this connection's.
        assertThat(manager.authenticate("ada", "ada-pw", connection, null)).isNotNull();
    }

    @Test
    void withoutAConnectionEveryLoginIsChecked() {
        assertThat(manager.authenticate("ada", "ada-pw", null, null)).isNotNull();
        lockOut("ada", "in-vm");
        assertThat(manager.authenticate("ada", "ada-pw", null, null)).isNull();
    }

    private void lockOut(String user, String source) {
        for (int i = 0; i < 3; i++) {
            throttle.failed("Broker", user, source);
        }
        assertThat(throttle.refusedFor(user, source)).isPresent();
    }

    /** A connection as the security manager sees it: only its remote address is read. */
    private static RemotingConnection connection(String remoteAddress) {
        return (RemotingConnection) Proxy.newProxyInstance(BrokerSecurityManagerTest.class.getClassLoader(),
                new Class<?>[]{RemotingConnection.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRemoteAddress" -> remoteAddress;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    case "toString" -> "connection " + remoteAddress;
                    default -> null;
                });
    }
}
