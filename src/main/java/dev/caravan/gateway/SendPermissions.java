package dev.caravan.gateway;

import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.activemq.artemis.core.security.Role;

import dev.caravan.broker.BrokerConfig;
import dev.caravan.broker.EmbeddedBroker;

/**
 * Whether an HTTP caller may send to an address, by the broker's own {@code security-settings} in broker.xml: the
 * gateway sends with Caravan's service connection, so it applies the caller's roles itself and one set of rules
 * governs both ways in (an {@code app} user can no more post to {@code DLA} over HTTP than over AMQP).
 */
@ApplicationScoped
public class SendPermissions {

    @Inject
    BrokerConfig config;

    @Inject
    EmbeddedBroker broker;

    public boolean maySend(String address, Set<String> roles) {
        if (!config.embedded()) {
            // An external broker's settings are not visible here; see README (Security) for what prod relies on.
            return true;
        }
        Set<Role> granted = broker.server().getSecurityRepository().getMatch(address);
        return granted != null && granted.stream().anyMatch(role -> role.isSend() && roles.contains(role.getName()));
    }
}
