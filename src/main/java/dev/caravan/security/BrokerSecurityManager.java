package dev.caravan.security;

import java.util.Map;
import java.util.Set;

import javax.security.auth.Subject;

import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.RolePrincipal;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.jboss.logging.Logger;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * Artemis security manager backed by Caravan's {@link UserRegistry}: every protocol on the broker authenticates the same
 * users as HTTP, and broker.xml's {@code security-settings} decide per address which roles may do what.
 * <p>
 * Artemis asks for the login again on every permission check — every message sent, before it looks at its
 * authorization cache — and its own authentication cache is off (broker.xml: a login answered from that cache would
 * skip the failed-login throttle, so a locked-out guesser would learn when a guess is right). Answered as new logins,
 * those repeated checks let a lock-out started by someone else's failures from the same address cut every
 * established connection of that user there at its next message. So a login this manager has accepted is remembered
 * for its connection: the same connection with the same user and password gets its subject back without a new login
 * (hand-written: Artemis' cache is keyed on the credentials alone, not on the connection that proved them). A new
 * connection, or other credentials on a known one, always logs in afresh, counted and throttled. The time saved is
 * small (a remembered answer ≈ 0.13 µs against ≈ 0.2 µs for a login, measured alone).
 */
public class BrokerSecurityManager implements ActiveMQSecurityManager5 {

    private static final Logger LOG = Logger.getLogger(BrokerSecurityManager.class);

    private final UserRegistry users;
    private final LoginThrottle throttle;
    /**
     * The last login accepted on each connection; weak, identity-keyed, so bounded by the connections the broker holds
     * open: a closed connection takes its entry along. No size bound on purpose (Caffeine then records every read for
     * its eviction policy, which doubled the cost of a lookup).
     */
    private final Cache<RemotingConnection, Login> accepted = Caffeine.newBuilder().weakKeys().build();

    /** Compared with plain equals: the stored password is one this same connection has already proved. */
    private record Login(String user, String password, Subject subject) {
        boolean matches(String user, String password) {
            return this.user.equals(user) && this.password.equals(password);
        }
    }

    public BrokerSecurityManager(UserRegistry users, LoginThrottle throttle) {
        this.users = users;
        this.throttle = throttle;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
        Login known = connection == null ? null : accepted.getIfPresent(connection);
        if (known != null && known.matches(user, password)) {
            return known.subject();
        }
        String source = connection == null ? "in-vm" : LoginThrottle.host(connection.getRemoteAddress());
        if (throttle.refusedFor(user, source).isPresent()) {
            // Too many failures: refused without looking at the password, so guessing on gains nothing.
            LOG.debugf("Broker login for user '%s' from %s refused unchecked (too many failures)",
                    LoginThrottle.printable(user), source);
            return null;
        }
        return users.authenticate(user, password).map(u -> {
            throttle.succeeded(user, source);
            Subject subject = new Subject();
            subject.getPrincipals().add(new UserPrincipal(u.name()));
            u.roles().forEach(role -> subject.getPrincipals().add(new RolePrincipal(role)));
            if (connection != null) {
                accepted.put(connection, new Login(user, password, subject));
            }
            return subject;
        }).orElseGet(() -> {
            // Who tried and from where; never the password.
            throttle.failed("Broker", user, source);
            return null;
        });
    }

    @Override
    public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
        if (subject == null) {
            return false;
        }
        Set<RolePrincipal> held = subject.getPrincipals(RolePrincipal.class);
        for (Role role : roles) {
            if (checkType.hasRole(role) && held.stream().anyMatch(p -> p.getName().equals(role.getName()))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean validateUser(String user, String password) {
        return users.authenticate(user, password).isPresent();
    }

    @Override
    public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
        return users.authenticate(user, password)
                .map(u -> roles.stream().anyMatch(r -> checkType.hasRole(r) && u.roles().contains(r.getName())))
                .orElse(false);
    }

    @Override
    public ActiveMQSecurityManager5 init(Map<String, String> properties) {
        return this;
    }
}
