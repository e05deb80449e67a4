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

    /**
     * How long a send or receive waits for a lost connection to an external broker to come back before it fails (the
     * gateway then answers 503, a route rolls back and its consumer retries); without a bound a send would block until
     * the broker returns.
     */
    @WithDefault("5s")
    java.time.Duration failoverTimeout();

    /** Memory each address may hold before it pages to disk (broker.xml {@code max-size-bytes}), e.g. 64MB. */
    @WithDefault("64MB")
    String maxSize();

    /**
     * Disk usage (percent of the data directory's file system) at which the embedded broker stops taking messages:
     * producers wait (back-pressure) instead of failing, and the HTTP gateway answers 503 with Retry-After.
     */
    @WithDefault("95")
    int maxDiskUsage();

    /** How often the embedded broker checks the disk usage against {@link #maxDiskUsage()}. */
    @WithDefault("5s")
    java.time.Duration diskScanPeriod();

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

    /** TLS on the embedded broker's acceptor (every protocol), off by default. */
    Tls tls();

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

    /**
     * The acceptor's certificate and key: PEM files ({@link #cert()} and {@link #key()}, as a Kubernetes TLS Secret
     * mounts them: {@code tls.crt}, {@code tls.key}) or a PKCS12 key store ({@link #keyStore()}).
     */
    interface Tls {
        /** Clients must speak TLS on the acceptor; plain connections are refused. */
        @WithDefault("false")
        boolean enabled();

        /** PEM certificate, optionally followed by its chain. */
        Optional<String> cert();

        /** PEM private key (PKCS#8 or PKCS#1), unencrypted. */
        Optional<String> key();

        /** A PKCS12 key store with the key and its certificate chain, instead of {@link #cert()} and {@link #key()}. */
        Optional<String> keyStore();

        /** Password of {@link #keyStore()}. */
        Optional<String> keyStorePassword();
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
