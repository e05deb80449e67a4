package dev.caravan.gateway;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The HTTP gateway: {@code POST /api/queues|topics|requests/...}. */
@ConfigMapping(prefix = "caravan.gateway")
public interface GatewayConfig {

    /** How long {@code POST /api/requests/{queue}} waits for a reply when the caller gives no {@code timeout}. */
    @WithDefault("30s")
    Duration defaultTimeout();

    /** The longest {@code timeout} a caller may ask for; more is a 400. */
    @WithDefault("120s")
    Duration maxTimeout();

    /**
     * The queue this Caravan instance receives replies on (one consumer, exclusive to the instance). Default:
     * {@code caravan.replies.<random id>}, new at each start, so replicas never read each other's replies and the
     * queue of a stopped instance is deleted by the broker (broker.xml, {@code caravan.replies.#}).
     */
    Optional<String> replyQueue();
}
