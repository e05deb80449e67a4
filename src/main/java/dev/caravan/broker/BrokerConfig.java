package dev.caravan.broker;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where Caravan's broker lives and how routes reach it. Every key can also be set from the environment
 * ({@code caravan.broker.port} = {@code CARAVAN_BROKER_PORT}).
 */
@ConfigMapping(prefix = "caravan.broker")
public interface BrokerConfig {

    /** Run the Artemis broker inside the Caravan process (default); {@code false} in prod, where {@link #url()} is used. */
    @WithDefault("true")
    boolean embedded();

    /** Interface of the embedded broker's single all-protocol acceptor. */
    @WithDefault("127.0.0.1")
    String host();

    /** Port of the embedded broker's acceptor. Not 5672, 1883 or 61613: other brokers commonly own those. */
    @WithDefault("61616")
    int port();

    /** The broker configuration read by the embedded broker. */
    @WithDefault("broker-config/broker.xml")
    String configFile();

    /** Core URL of an external broker (HA pair or cluster), used when {@link #embedded()} is false. */
    Optional<String> url();

    /**
     * Nanoseconds the journal gathers commits into one fsync; near the disk's sync time is best (Artemis' NIO default
     * of 3.3 ms caps transacted throughput on fast disks).
     */
    @WithDefault("300000")
    long journalBufferTimeout();

    /** Broker-side redelivery for every address (broker.xml placeholders). */
    Redelivery redelivery();

    /** Connection pool shared by every route that sends to the broker. */
    Pool pool();

    interface Redelivery {
        /** First redelivery delay in milliseconds. */
        @WithDefault("1000")
        long delay();

        /** Each further attempt waits this many times longer. */
        @WithDefault("2.0")
        double multiplier();

        /** Upper bound of the back-off, in milliseconds. */
        @WithDefault("60000")
        long maxDelay();

        /** Deliveries before a message goes to {@code DLQ.<queue>}. */
        @WithDefault("5")
        int maxAttempts();
    }

    interface Pool {
        /** Physical connections to the broker shared by producers. */
        @WithDefault("1")
        int maxConnections();

        /** Sessions per pooled connection. */
        @WithDefault("500")
        int maxSessionsPerConnection();
    }
}
