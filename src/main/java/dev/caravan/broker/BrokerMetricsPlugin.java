package dev.caravan.broker;

import java.util.Map;

import org.apache.activemq.artemis.core.config.MetricsConfiguration;
import org.apache.activemq.artemis.core.server.metrics.ActiveMQMetricsPlugin;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * Hands Quarkus' Prometheus registry to the embedded Artemis broker, so the broker's own meters (per queue: depth,
 * messages added and acknowledged, consumers, ...; per address; broker-wide) appear at {@code /q/metrics} as
 * {@code artemis_*}, registered and removed by the broker itself as queues come and go. No polling of queue controls,
 * and the names are those of Artemis' Prometheus plugin, so dashboards work the same against an external broker that
 * runs that plugin.
 * <p>
 * The Prometheus registry, not Quarkus' root registry: Artemis adds the registry it is given to Micrometer's global
 * composite, which Quarkus' root registry is, and a composite cannot contain itself.
 */
final class BrokerMetricsPlugin implements ActiveMQMetricsPlugin {

    private static final long serialVersionUID = 1L;

    private final transient MeterRegistry registry;

    private BrokerMetricsPlugin(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Broker metrics into {@code registry}, without the broker's JVM, process and Netty meters: Quarkus' binders
     * report the same JVM once, and a second copy under the broker's tags would only double the series.
     */
    static MetricsConfiguration configuration(MeterRegistry registry) {
        return new MetricsConfiguration().setPlugin(new BrokerMetricsPlugin(registry))
                .setJvmMemory(false).setJvmGc(false).setJvmThread(false).setNettyPool(false)
                .setFileDescriptors(false).setProcessor(false).setUptime(false).setLogging(false)
                .setSecurityCaches(false).setExecutorServices(false);
    }

    @Override
    public ActiveMQMetricsPlugin init(Map<String, String> options) {
        return this;
    }

    @Override
    public MeterRegistry getRegistry() {
        return registry;
    }
}
