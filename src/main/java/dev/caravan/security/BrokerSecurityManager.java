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

/**
 * Artemis security manager backed by Caravan's {@link UserRegistry}: every protocol on the broker authenticates the same
 * users as HTTP, and broker.xml's {@code security-settings} decide per address which roles may do what.
 */
public class BrokerSecurityManager implements ActiveMQSecurityManager5 {

    private static final Logger LOG = Logger.getLogger(BrokerSecurityManager.class);

    private final UserRegistry users;
    private final LoginThrottle throttle;

    public BrokerSecurityManager(UserRegistry users, LoginThrottle throttle) {
        this.users = users;
        this.throttle = throttle;
    }

    @Override
    public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
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
