package dev.caravan.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.KafkaTestCluster;
import dev.caravan.testing.Ports;

/** The shipped Kafka bridges against a real Kafka broker (KRaft, in the test JVM): keys, headers and partitions. */
@QuarkusTest
class KafkaMediationTest extends CaravanTestSupport {

    @BeforeAll
    static void topics() throws Exception {
        KafkaTestCluster.createTopic("orders.events", 3);
        KafkaTestCluster.createTopic("inventory.changes", 3);
    }

    @Test
    void jmsMessageBecomesARecordWithKeyPartitionAndHeaders() throws Exception {
        String key = "order-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> consumer = consumer("test-" + key)) {
            consumer.subscribe(List.of("orders.events"));
            try (Jms client = connect("app")) {
                Session session = client.session();
                try (MessageProducer producer = session.createProducer(session.createTopic("orders.events"))) {
                    TextMessage message = session.createTextMessage("{\"order\": \"" + key + "\"}");
                    message.setStringProperty("KafkaKey", key);
                    message.setStringProperty("KafkaPartition", "2");
                    message.setStringProperty("Region", "eu");
                    message.setJMSCorrelationID("corr-" + key);
                    producer.send(message);
                }
            }
            ConsumerRecord<String, String> record = poll(consumer, key);
            assertThat(record.value()).isEqualTo("{\"order\": \"" + key + "\"}");
            assertThat(record.partition()).isEqualTo(2);
            assertThat(header(record, "Region")).isEqualTo("eu");
            assertThat(header(record, "CorrelationId")).isEqualTo("corr-" + key);
            assertThat(record.headers().headers("JMSMessageID")).isEmpty();
        }
    }

    @Test
    void recordBecomesAJmsMessageWithKeyPartitionOffsetAndHeaders() throws Exception {
        String key = "sku-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProperties())) {
            ProducerRecord<String, String> record = new ProducerRecord<>("inventory.changes", 1, key, "{\"qty\": 4}");
            record.headers().add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
        try (Jms client = connect("app")) {
            // Other tests' records may be on the queue too: take the one with this key.
            Message message = client.receiveWith("inventory.changes", "KafkaKey", key, 20_000);
            assertThat(message).isNotNull();
            assertThat(Jms.text(message)).isEqualTo("{\"qty\": 4}");
            assertThat(message.getStringProperty("KafkaPartition")).isEqualTo("1");
            assertThat(message.getStringProperty("KafkaTopic")).isEqualTo("inventory.changes");
            assertThat(message.getStringProperty("KafkaOffset")).isNotBlank();
            assertThat(message.getStringProperty("trace")).isEqualTo("t-1");
        }
    }

    /**
     * Kafka is down while messages flow: every send fails, rolls back, and after the broker's attempts the messages
     * wait in the DLQ with the failure on them — none lost. Kafka is back: the operator replays them and each arrives
     * once. (The outage is the route's Kafka being unreachable: the in-process cluster is shared by the other tests.)
     */
    @Test
    void kafkaOutageWhileMessagesFlowLosesNone() throws Exception {
        String route = """
                - route:
                    id: kafka-outage
                    from:
                      uri: "jms:queue:kafka.outage.in"
                      steps:
                        - setHeader:
                            name: kafka.KEY
                            simple: "${body}"
                        - to: "kafka:kafka.outage?brokers=%s&maxBlockMs=500&requestTimeoutMs=500&deliveryTimeoutMs=1000&lingerMs=0"
                """;
        KafkaTestCluster.createTopic("kafka.outage", 1);
        files().deploy("kafka-outage.camel.yaml", route.formatted("127.0.0.1:" + Ports.free()));
        List<String> sent = List.of("k-1", "k-2", "k-3", "k-4", "k-5");
        try (Jms client = connect("operator");
                KafkaConsumer<String, String> consumer = consumer("outage-" + UUID.randomUUID())) {
            consumer.subscribe(List.of("kafka.outage"));
            for (String body : sent) {
                client.sendText("kafka.outage.in", body);
            }
            RequestSpecification operator = given().auth().preemptive().basic("operator", "operator");
            await().atMost(Duration.ofSeconds(60)).until(() -> depth("DLQ.kafka.outage.in") == sent.size());
            operator.get("/api/dlq/DLQ.kafka.outage.in/messages").then().statusCode(200)
                    .body("routeId", everyItem(equalTo("kafka-outage")))
                    .body("exception", everyItem(containsString("Exception")));

            files().deploy("kafka-outage.camel.yaml", route.formatted(KafkaTestCluster.bootstrapServers()));
            operator.contentType("application/json").body("{\"all\": true}")
                    .post("/api/dlq/DLQ.kafka.outage.in/replay").then().statusCode(200)
                    .body("replayed", equalTo(sent.size()));
            List<String> received = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received.size() < sent.size() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    received.add(record.value());
                }
            }
            assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
            assertThat(consumer.poll(Duration.ofMillis(500))).as("each once").isEmpty();
        } finally {
            files().undeploy("kafka-outage.camel.yaml");
        }
    }

    private static ConsumerRecord<String, String> poll(KafkaConsumer<String, String> consumer, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                if (key.equals(record.key())) {
                    return record;
                }
            }
        }
        throw new AssertionError("no record with key " + key + " on orders.events");
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Map<String, Object> properties = new HashMap<>(KafkaTestCluster.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }

    private static Map<String, Object> producerProperties() {
        Map<String, Object> properties = new HashMap<>(KafkaTestCluster.clientProperties());
        properties.put("key.serializer", StringSerializer.class.getName());
        properties.put("value.serializer", StringSerializer.class.getName());
        return properties;
    }
}
