package dev.caravan.bridges;

import java.net.URI;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.jboss.logging.Logger;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;

/**
 * The RabbitMQ connection {@code spring-rabbitmq:} routes use without naming it, from {@code caravan.rabbitmq.url}.
 * Publisher confirms are on, so a route's send to RabbitMQ completes only once RabbitMQ has taken the message, and the
 * JMS message that caused it is acknowledged after that.
 */
@Singleton
public class RabbitMqWiring {

    private static final Logger LOG = Logger.getLogger(RabbitMqWiring.class);

    @Inject
    RabbitMqConfig config;

    @Produces
    @Singleton
    @Named("rabbitConnectionFactory")
    public CachingConnectionFactory rabbitConnectionFactory() {
        String url = config.url().orElseThrow(() -> new IllegalStateException(
                "a spring-rabbitmq: route needs caravan.rabbitmq.url (CARAVAN_RABBITMQ_URL); give such routes a"
                        + " precondition on it"));
        CachingConnectionFactory factory = new CachingConnectionFactory(URI.create(url));
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        URI uri = URI.create(url);
        LOG.infof("RabbitMQ: %s://%s:%d%s", uri.getScheme(), uri.getHost(), uri.getPort(), uri.getPath());
        return factory;
    }

    void close(@Disposes @Named("rabbitConnectionFactory") CachingConnectionFactory factory) {
        factory.destroy();
    }
}
