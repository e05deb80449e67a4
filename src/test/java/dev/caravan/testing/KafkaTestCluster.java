package dev.caravan.testing;

import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/** A real single-node Kafka (KRaft, broker and controller in one node) inside the test JVM, on loopback. */
public final class KafkaTestCluster {

    private static KafkaClusterTestKit cluster;

    private KafkaTestCluster() {
    }

    /** Starts the cluster (once per JVM) and returns its bootstrap servers. */
    public static synchronized String start() throws Exception {
        if (cluster == null) {
            TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    .setNumControllerNodes(1).build();
            KafkaClusterTestKit kit = new KafkaClusterTestKit.Builder(nodes)
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    // Topics that routes create by subscribing get 3 partitions, so tests can address partition 2.
                    .setConfigProp("num.partitions", "3")
                    // The test cluster's own JMX metrics (800+ MBeans per listener and connection) would fill the
                    // JMX tree the console test's browser loads; Caravan's MBeans are what the console is for.
                    .setConfigProp("metrics.jmx.exclude", ".*")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    // One partition for consumer offsets instead of 50: consumer groups are ready in a second.
                    .setConfigProp("offsets.topic.num.partitions", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .build();
            kit.format();
            kit.startup();
            kit.waitForReadyBrokers();
            cluster = kit;
        }
        return cluster.bootstrapServers();
    }

    public static synchronized void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }

    public static synchronized String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** Creates a topic with {@code partitions} partitions unless it exists. */
    public static void createTopic(String name, int partitions) throws Exception {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (java.util.concurrent.ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Client properties for consumers and producers in tests. */
    public static Map<String, Object> clientProperties() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }
}
