package dev.caravan.broker;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

import dev.caravan.deadletter.RouteFailures;
import dev.caravan.security.UserRegistry;

/**
 * Pre-wires Camel's {@code jms} component to Caravan's broker, so routes write {@code jms:queue:orders} and nothing
 * else.
 * <p>
 * Why these settings: Camel's defaults create a Spring transaction manager per consumer (which turns off consumer
 * caching: a new session and consumer per message) and a new producer per sent message. Here routes that consume from
 * {@code jms:} use a local JMS transaction on the consumer's own session ({@code lazyCreateTransactionManager=false}),
 * the consumer is cached, and what a route sends inside that transaction goes through the same session, so receive and
 * send commit together, once. Sends outside a consumer's transaction borrow a session and its cached anonymous producer
 * from the pool.
 */
@Singleton
public class JmsWiring {

    /** Caravan connects to the broker as its administrator: routes may touch any address. */
    static final String SERVICE_USER = "admin";

    @Inject
    BrokerConfig config;

    @Inject
    EmbeddedBroker embeddedBroker;

    @Inject
    UserRegistry users;

    @Inject
    RouteFailures failures;

    private final ReconnectTracker reconnects = new ReconnectTracker();

    /** How many of Caravan's own broker connections are still reconnecting after a failure. */
    public int reconnecting() {
        return reconnects.reconnecting();
    }

    /** The broker URL Caravan's routes use: in-VM for the embedded broker, {@code caravan.broker.url} otherwise. */
    public String brokerUrl() {
        if (config.embedded()) {
            return "vm://0";
        }
        return config.url().orElseThrow(() -> new IllegalStateException(
                "caravan.broker.embedded=false needs caravan.broker.url (e.g. tcp://broker:61616?ha=true)"));
    }

    /**
     * A connection that answers whether the broker is there now: one attempt, no reconnecting (readiness). The
     * routes' pooled connection cannot tell: it keeps reconnecting and answers locally meanwhile.
     */
    public jakarta.jms.Connection probeConnection(java.time.Duration timeout) throws jakarta.jms.JMSException {
        UserRegistry.User service = users.find(SERVICE_USER).orElseThrow();
        try (ActiveMQConnectionFactory probe = new ActiveMQConnectionFactory(brokerUrl(), service.name(),
                service.password())) {
            probe.setReconnectAttempts(0);
            probe.setInitialConnectAttempts(1);
            probe.setCallTimeout(timeout.toMillis());
            probe.setConnectionTTL(timeout.toMillis() * 2);
            return probe.createConnection();
        }
    }

    /** A plain connection factory: one physical connection per {@code createConnection()}. */
    @Produces
    @Singleton
    @Named("caravanDirectConnectionFactory")
    public ActiveMQConnectionFactory directConnectionFactory() {
        if (config.embedded()) {
            embeddedBroker.ensureStarted();
        }
        UserRegistry.User service = users.find(SERVICE_USER).orElseThrow(() -> new IllegalStateException(
                "caravan.security.users." + SERVICE_USER + " is required: Caravan connects to the broker as it"));
        ActiveMQConnectionFactory factory = new ReconnectTracker.TrackingConnectionFactory(brokerUrl(),
                service.name(), service.password(), reconnects);
        // Reconnect forever to an external broker instead of failing routes on a blip. The back-off stops at 2 s:
        // every second of it is a second the broker is back and Caravan's routes are not (it was 10 s, which kept
        // the routes away for up to 10 s after a broker restart).
        factory.setReconnectAttempts(-1);
        factory.setRetryInterval(500);
        factory.setRetryIntervalMultiplier(2.0);
        factory.setMaxRetryInterval(2_000);
        factory.setCallFailoverTimeout(config.failoverTimeout().toMillis());
        // Camel resolves the destination name on every send (session.createQueue), which in the Artemis client is
        // a blocking round trip to the broker unless destinations are cached: measured as the largest single cost of
        // a queue-to-queue route.
        factory.setCacheDestinations(true);
        return factory;
    }

    /** The pooled connection factory every route shares. */
    @Produces
    @Singleton
    @Named("caravanConnectionFactory")
    public JmsPoolConnectionFactory pooledConnectionFactory(
            @Named("caravanDirectConnectionFactory") ActiveMQConnectionFactory direct) {
        JmsPoolConnectionFactory pool = new JmsPoolConnectionFactory();
        pool.setConnectionFactory(direct);
        pool.setMaxConnections(config.pool().maxConnections());
        pool.setMaxSessionsPerConnection(config.pool().maxSessionsPerConnection());
        pool.setUseAnonymousProducers(true);
        pool.setBlockIfSessionPoolIsFull(true);
        return pool;
    }

    void closePool(@Disposes @Named("caravanConnectionFactory") JmsPoolConnectionFactory pool) {
        pool.stop();
    }

    /** Camel's {@code jms} component, found by routes under that name. */
    @Produces
    @Singleton
    @Named("jms")
    public JmsComponent jms(@Named("caravanConnectionFactory") JmsPoolConnectionFactory pooled,
            @Named("caravanDirectConnectionFactory") ActiveMQConnectionFactory direct) {
        CaravanJmsComponent jms = new CaravanJmsComponent(pooled, direct, failures);
        // Consuming routes are transacted by default: a failure rolls back to the broker, which redelivers.
        jms.setTransacted(true);
        jms.setLazyCreateTransactionManager(false);
        jms.getConfiguration().setCacheLevelName("CACHE_CONSUMER");
        // A consumer notices a stop only when its receive returns: 250 ms instead of Spring's 1 s keeps replacing a
        // route (and shutting down) well under a second. Receiving from the client's prefetch buffer costs no
        // broker round trip, and an empty receive commits nothing (CaravanJmsConfiguration), so idle consumers waking
        // four times a second is cheap.
        jms.getConfiguration().setReceiveTimeout(250);
        // Persistent delivery, explicit QoS so the broker's defaults cannot silently change durability.
        jms.setDeliveryPersistent(true);
        return jms;
    }
}
