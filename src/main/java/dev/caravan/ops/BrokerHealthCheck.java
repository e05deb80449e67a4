package dev.caravan.ops;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.caravan.broker.BrokerConfig;
import dev.caravan.broker.EmbeddedBroker;

/** Ready only while the broker is up: the embedded one active, or the external one accepting a connection. */
@Readiness
public class BrokerHealthCheck implements HealthCheck {

    @Inject
    BrokerConfig config;

    @Inject
    EmbeddedBroker embedded;

    @Inject
    @Named("caravanConnectionFactory")
    ConnectionFactory connections;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker");
        if (config.embedded()) {
            boolean active = embedded.isActive();
            response.withData("mode", "embedded").withData("acceptor", config.host() + ":" + config.port());
            return response.status(active).build();
        }
        response.withData("mode", "external").withData("url", config.url().orElse("?"));
        try (Connection connection = connections.createConnection()) {
            connection.getMetaData();
            return response.up().build();
        } catch (Exception e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }
}
