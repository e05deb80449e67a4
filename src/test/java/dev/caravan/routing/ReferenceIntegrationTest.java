package dev.caravan.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.jms.Message;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.deadletter.DeadLetterHeaders;
import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.testing.KafkaTestCluster;
import dev.caravan.transform.TransformException;

/**
 * The README's tour, end to end: an order over HTTP is validated and published; billing routes it by content, audit
 * records it in SQL, analytics gets it in Kafka; an invalid order is not published; pricing answers request-reply.
 */
@QuarkusTest
class ReferenceIntegrationTest extends CaravanTestSupport {

    @Inject
    @Named("dataSource")
    DataSource dataSource;

    @Test
    void orderOverHttpReachesBillingAuditAndAnalytics() throws Exception {
        KafkaTestCluster.createTopic("orders.events", 3);
        String express = "o-" + UUID.randomUUID();
        String big = "o-" + UUID.randomUUID();
        String plain = "o-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> analytics = analyticsConsumer()) {
            analytics.subscribe(List.of("orders.events"));
            postOrder(express, "express", 2_000);
            postOrder(big, "standard", 250_000);
            postOrder(plain, "standard", 1_500);
            try (Jms client = connect("app")) {
                assertThat(client.receiveWith("billing.express", "OrderId", express, 10_000)).isNotNull();
                assertThat(client.receiveWith("billing.review", "OrderId", big, 10_000)).isNotNull();
                assertThat(client.receiveWith("billing.standard", "OrderId", plain, 10_000)).isNotNull();
            }
            for (String order : List.of(express, big, plain)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> auditRows(order) == 1);
            }
            Map<String, String> records = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < 3 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : analytics.poll(Duration.ofMillis(200))) {
                    if (List.of(express, big, plain).contains(record.key())) {
                        records.put(record.key(), record.value());
                    }
                }
            }
            assertThat(records).containsOnlyKeys(express, big, plain);
        }
    }

    @Test
    void invalidOrderIsNotPublishedAndEndsInTheDeadLetterQueue() throws Exception {
        String order = "o-" + UUID.randomUUID();
        given().auth().preemptive().basic("app", "app").contentType("application/json")
                .body("{\"orderId\": \"" + order + "\", \"lines\": []}")
                .when().post("/api/queues/orders.incoming").then().statusCode(202);
        try (Jms operator = connect("operator")) {
            Message dead = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (dead == null && System.nanoTime() < deadline) {
                Message candidate = nextDeadLetter(operator, "orders.incoming", Duration.ofSeconds(30));
                if (Jms.text(candidate).contains(order)) {
                    dead = candidate;
                }
            }
            assertThat(dead).isNotNull();
            // The validation errors travel on the dead letter, with the route that rejected it.
            assertThat(dead.getStringProperty(DeadLetterHeaders.ROUTE_ID)).isEqualTo("orders-intake");
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS))
                    .isEqualTo(TransformException.class.getName());
            assertThat(dead.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE))
                    .contains("order-schema").contains("lines").contains("customer");
            assertThat(dead.getStringProperty(DeadLetterHeaders.ORIGINAL_ADDRESS)).isEqualTo("orders.incoming");
        }
        assertThat(auditRows(order)).isZero();
    }

    @Test
    void pricingAnswersOverHttpRequestReply() {
        given().auth().preemptive().basic("app", "app").contentType("application/json")
                .body("{\"sku\": \"B-2\", \"quantity\": 3}")
                .when().post("/api/requests/pricing?timeout=5s")
                .then().statusCode(200).contentType(startsWith("application/json"))
                .body("totalCents", equalTo(3000));
    }

    private static void postOrder(String order, String shipping, long totalCents) {
        given().auth().preemptive().basic("app", "app").contentType("application/json").body("""
                {"orderId": "%s", "customer": {"name": "Ada"}, "lines": [{"sku": "A-1", "quantity": 2}],
                 "shipping": "%s", "totalCents": %d}
                """.formatted(order, shipping, totalCents))
                .when().post("/api/queues/orders.incoming").then().statusCode(202);
    }

    private long auditRows(String order) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement query = c.prepareStatement("SELECT count(*) FROM order_audit WHERE order_id = ?")) {
            query.setString(1, order);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static KafkaConsumer<String, String> analyticsConsumer() {
        Map<String, Object> properties = new HashMap<>(KafkaTestCluster.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "reference-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }
}
