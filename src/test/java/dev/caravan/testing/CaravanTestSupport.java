package dev.caravan.testing;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.test.common.QuarkusTestResource;

import dev.caravan.routing.RouteFileLoader;

/**
 * Base of the in-process tests: the shared Caravan boot (one {@link CaravanTestResource} for all), the Camel context,
 * the route files and the broker port that outside clients connect to.
 */
@QuarkusTestResource(CaravanTestResource.class)
public abstract class CaravanTestSupport {

    @Inject
    protected RouteFileLoader loader;

    @Inject
    protected CamelContext camel;

    @ConfigProperty(name = "caravan.broker.port")
    protected int port;

    private RouteFiles files;

    /** Route files in the test run's routes directory. */
    protected RouteFiles files() {
        if (files == null) {
            files = new RouteFiles(loader);
        }
        return files;
    }

    /** A core JMS client logged in as {@code user}, whose password in tests is the development default. */
    protected Jms connect(String user) throws Exception {
        return Jms.connect(port, user, user);
    }
}
