package dev.caravan.bridges;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/**
 * RabbitMQ as a bridged system. Routes that use it carry a {@code precondition} on {@code caravan.rabbitmq.url}, so
 * they start only when it is set.
 */
@ConfigMapping(prefix = "caravan.rabbitmq")
public interface RabbitMqConfig {

    /** AMQP 0.9.1 URL of a RabbitMQ server, e.g. {@code amqp://user:password@rabbit:5672/vhost}. */
    Optional<String> url();
}
