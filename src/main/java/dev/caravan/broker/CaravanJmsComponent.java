package dev.caravan.broker;

import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Endpoint;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * The {@code jms} component as routes see it. Every endpoint shares a pooled connection factory, except a durable
 * subscriber with its own {@code clientId}: JMS allows one client id per connection, so such an endpoint gets its own
 * (unpooled) connection instead of claiming the shared one.
 */
public class CaravanJmsComponent extends JmsComponent {

    private final ConnectionFactory dedicatedConnections;

    public CaravanJmsComponent(ConnectionFactory pooled, ConnectionFactory dedicatedConnections) {
        this.dedicatedConnections = dedicatedConnections;
        setConnectionFactory(pooled);
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Endpoint endpoint = super.createEndpoint(uri, remaining, parameters);
        if (endpoint instanceof JmsEndpoint jms && jms.getClientId() != null
                && jms.getConfiguration().getConnectionFactory() == getConfiguration().getConnectionFactory()) {
            jms.getConfiguration().setConnectionFactory(dedicatedConnections);
        }
        return endpoint;
    }
}
