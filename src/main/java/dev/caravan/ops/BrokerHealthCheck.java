package dev.caravan.ops;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.caravan.broker.BrokerAvailability;
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
    BrokerAvailability broker;

    @Inject
    HealthConfig health;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("broker");
        if (config.embedded()) {
            boolean active = embedded.isActive();
            response.withData("mode", "embedded").withData("acceptor", config.host() + ":" + config.port());
            return response.status(active).build();
        }
        response.withData("mode", "external").withData("url", config.url().orElse("?"));
        if (broker.check(health.timeout())) {
            return response.up().build();
        }
        return response.down().withData("error", String.valueOf(broker.lastError())).build();
    }
}
