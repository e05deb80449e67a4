package dev.caravan.broker;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.activemq.artemis.core.config.FileDeploymentManager;
import org.apache.activemq.artemis.core.config.impl.FileConfiguration;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.jboss.logging.Logger;

import io.micrometer.prometheus.PrometheusMeterRegistry;

import dev.caravan.deadletter.DeadLetterStamp;
import dev.caravan.deadletter.RouteFailures;
import dev.caravan.history.MessageHistory;
import dev.caravan.security.BrokerSecurityManager;
import dev.caravan.security.DefaultPasswordGuard;
import dev.caravan.security.LoginThrottle;
import dev.caravan.security.UserRegistry;

/**
 * The Artemis broker that runs inside the Caravan process, configured from {@code broker-config/broker.xml}.
 * <p>
 * It is started on first use by whatever needs it first (the JMS wiring, before Camel starts its routes) and stopped
 * when the CDI container is destroyed, which Quarkus does after Camel has stopped: routes finish their in-flight
 * exchanges while the broker is still up, and the broker stops last.
 */
@Singleton
public class EmbeddedBroker {

    private static final Logger LOG = Logger.getLogger(EmbeddedBroker.class);

    private final BrokerConfig config;
    private final DataConfig data;
    private final UserRegistry users;
    private final DefaultPasswordGuard guard;
    private final RouteFailures failures;
    private final MessageHistory history;
    private final PrometheusMeterRegistry meters;
    private final LoginThrottle throttle;
    /** Set once started, cleared on stop, both under this object's lock; read without it (the gateway asks per request). */
    private volatile EmbeddedActiveMQ broker;

    @Inject
    public EmbeddedBroker(BrokerConfig config, DataConfig data, UserRegistry users, DefaultPasswordGuard guard,
            RouteFailures failures, MessageHistory history, PrometheusMeterRegistry meters, LoginThrottle throttle) {
        this.config = config;
        this.data = data;
        this.users = users;
        this.guard = guard;
        this.failures = failures;
        this.history = history;
        this.meters = meters;
        this.throttle = throttle;
    }

    /** Starts the broker unless it runs already. */
    public synchronized void ensureStarted() {
        if (broker != null) {
            return;
        }
        guard.check();
        Path configFile = Path.of(config.configFile()).toAbsolutePath();
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalStateException("Broker configuration not found: " + configFile
                    + " (set caravan.broker.config-file, or run Caravan from the project directory)");
        }
        Path dataDir = Path.of(data.dir()).toAbsolutePath();
        // broker.xml reads these as ${caravan.*} placeholders; Caravan's configuration is the one source.
        Map.of("caravan.broker.host", config.host(),
                "caravan.broker.port", Integer.toString(config.port()),
                "caravan.data.dir", dataDir.toString(),
                "caravan.broker.redelivery.delay", Long.toString(config.redelivery().delay()),
                "caravan.broker.redelivery.multiplier", Double.toString(config.redelivery().multiplier()),
                "caravan.broker.redelivery.max-delay", Long.toString(config.redelivery().maxDelay()),
                "caravan.broker.redelivery.max-attempts", Integer.toString(config.redelivery().maxAttempts()),
                "caravan.broker.journal-buffer-timeout", Long.toString(config.journalBufferTimeout()),
                "caravan.broker.max-size", config.maxSize())
                .forEach(System::setProperty);
        try {
            FileConfiguration configuration = new FileConfiguration();
            FileDeploymentManager deployment = new FileDeploymentManager(configFile.toUri().toString());
            deployment.addDeployable(configuration);
            deployment.readConfiguration();
            // Back-pressure at the disk limit: producers wait rather than fail (README "Load and memory").
            configuration.setMaxDiskUsage(config.maxDiskUsage());
            configuration.setDiskScanPeriod((int) config.diskScanPeriod().toMillis());
            // TLS on the acceptor when caravan.broker.tls.enabled (certificate and key from files).
            AcceptorTls.apply(configuration, config.tls(), dataDir);
            // Dead letters carry the failure that sent them there (route, exception, attempts, times).
            configuration.registerBrokerPlugin(new DeadLetterStamp(failures, history));
            // Replies to HTTP request-reply stay in memory: no one outlives the caller waiting for them.
            configuration.registerBrokerPlugin(new TransientReplyQueues());
            // Queue depths, messages added and acknowledged, consumers: the broker's own meters at /q/metrics.
            configuration.setMetricsConfiguration(BrokerMetricsPlugin.configuration(meters));

            EmbeddedActiveMQ embedded = new EmbeddedActiveMQ();
            embedded.setConfiguration(configuration);
            embedded.setSecurityManager(new BrokerSecurityManager(users, throttle));
            embedded.setMbeanServer(ManagementFactory.getPlatformMBeanServer());
            long started = System.nanoTime();
            embedded.start();
            refuseIfNotServing(embedded);
            broker = embedded;
            LOG.infof("Embedded broker started in %d ms: %s:%d (CORE, AMQP, STOMP, MQTT, OPENWIRE%s), data in %s",
                    (System.nanoTime() - started) / 1_000_000, config.host(), config.port(),
                    config.tls().enabled() ? "; TLS only" : "", dataDir);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "Embedded broker failed to start from " + configFile + ": " + e.getMessage(),
                    e);
        }
    }

    /**
     * Artemis logs an acceptor it could not start (its port taken, say) and carries on without it: "started", yet no
     * client can reach it and it never becomes active, so Caravan would run on, never ready, until someone read the log.
     * A broker that is not serving after its start is stopped again and the start fails with the reason; the warm start
     * then leaves it to its first user, whose retry fails Caravan's start-up with that reason (a passive backup, which
     * is not active until it takes over, is left alone).
     */
    private static void refuseIfNotServing(EmbeddedActiveMQ embedded) throws Exception {
        ActiveMQServer server = embedded.getActiveMQServer();
        boolean backup = server.getHAPolicy() != null && server.getHAPolicy().isBackup();
        if (backup || server.isActive()) {
            return;
        }
        String acceptors = server.getConfiguration().getAcceptorConfigurations().stream()
                .filter(acceptor -> acceptor.getParams().get("port") != null)
                .map(acceptor -> acceptor.getName() + " " + acceptor.getParams().get("host") + ":"
                        + acceptor.getParams().get("port"))
                .toList().toString();
        embedded.stop();
        throw new IllegalStateException("it did not become active (state " + server.getState() + "; acceptors "
                + acceptors + "): is a port already in use? The broker's own error is logged above");
    }

    /** True while the broker is started and active (not a passive backup). */
    public boolean isActive() {
        ActiveMQServer server = server();
        return server != null && server.isActive();
    }

    /** The running server, for management and health; null before start. */
    public ActiveMQServer server() {
        EmbeddedActiveMQ started = broker;
        return started == null ? null : started.getActiveMQServer();
    }

    @PreDestroy
    synchronized void stop() {
        if (broker == null) {
            return;
        }
        try {
            ActiveMQServer server = broker.getActiveMQServer();
            // broker.xml enables graceful shutdown: the broker waits (up to its graceful-shutdown-timeout) for every
            // client to disconnect. Naming them says who holds a stop up: an external client, or one of Caravan's own
            // (in-VM) connections that outlived Camel's stop, which is a bug (RestartIT checks there are none).
            var open = server.getRemotingService().getConnections();
            if (!open.isEmpty() && server.getConfiguration().isGracefulShutdownEnabled()) {
                LOG.infof("Stopping the broker: waiting up to %d ms for %d client connection(s) to close: %s",
                        server.getConfiguration().getGracefulShutdownTimeout(), open.size(),
                        open.stream().map(RemotingConnection::getRemoteAddress).sorted().toList());
            }
            broker.stop();
            LOG.info("Embedded broker stopped");
        } catch (Exception e) {
            LOG.warn("Embedded broker did not stop cleanly", e);
        } finally {
            broker = null;
        }
    }
}
