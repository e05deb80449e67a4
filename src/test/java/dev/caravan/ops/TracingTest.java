package dev.caravan.ops;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.InMemorySpans;
import dev.caravan.testing.KafkaTestCluster;
import dev.caravan.testing.PartnerStub;

/**
 * One trace follows a message: the caller's HTTP request, the gateway's send, each route that receives it (through a
 * topic to several subscribers), and what those routes call — SQL, Kafka, an HTTP partner. Spans come from the test's
 * in-memory exporter; the trace context is also checked where it leaves Caravan (Kafka record headers, HTTP headers).
 */
@QuarkusTest
class TracingTest extends CaravanTestSupport {

    @Inject
    InMemorySpans spans;

    @Test
    void orderOverHttpIsOneTraceThroughTheBrokerRoutesSqlAndKafka() throws Exception {
        KafkaTestCluster.createTopic("orders.events", 3);
        String trace = randomHex(16);
        String order = "o-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> analytics = kafkaConsumer()) {
            analytics.subscribe(List.of("orders.events"));
            given().auth().preemptive().basic("app", "app").contentType("application/json")
                    .header("traceparent", "00-" + trace + "-" + randomHex(8) + "-01").body("""
                            {"orderId": "%s", "customer": {"name": "Ada"}, "lines": [{"sku": "A-1", "quantity": 2}],
                             "shipping": "express", "totalCents": 500}
                            """.formatted(order))
                    .when().post("/api/queues/orders.incoming").then().statusCode(202);

            // Kafka: the record carries the same trace, so a consumer beyond Caravan continues it.
            ConsumerRecord<String, String> record = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (record == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : analytics.poll(Duration.ofMillis(200))) {
                    if (order.equals(r.key())) {
                        record = r;
                    }
                }
            }
            assertThat(record).as("order %s in Kafka", order).isNotNull();
            Header traceparent = record.headers().lastHeader("traceparent");
            assertThat(traceparent).as("traceparent header on the Kafka record").isNotNull();
            assertThat(new String(traceparent.value(), StandardCharsets.UTF_8)).contains(trace);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<SpanData> hops = spans.trace(trace);
            assertThat(components(hops)).as(describe(hops))
                    .contains("camel-jms", "camel-sql", "camel-kafka");
            // The HTTP request itself (Quarkus' server span) is in the same trace.
            assertThat(hops).as(describe(hops)).anyMatch(s -> s.getKind() == SpanKind.SERVER
                    && s.getName().contains("/api/queues"));
            // Received by the intake route, and by the topic's subscribers (billing, audit, analytics).
            assertThat(hops).as(describe(hops)).anyMatch(s -> isReceived(s, "orders.incoming"));
            assertThat(hops.stream().filter(s -> isReceived(s, "orders.events")).count()).as(describe(hops))
                    .isGreaterThanOrEqualTo(3);
            assertThat(hops).as(describe(hops)).anyMatch(s -> isSent(s, "billing.express"));
        });
    }

    @Test
    void theTraceReachesAnHttpPartnerAsAHeader() {
        String trace = randomHex(16);
        String ref = UUID.randomUUID().toString();
        given().auth().preemptive().basic("app", "app").contentType("application/json")
                .header("traceparent", "00-" + trace + "-" + randomHex(8) + "-01").header("X-Msg-Ref", ref)
                .body("{\"shipment\": 9}")
                .when().post("/api/queues/shipments.partner").then().statusCode(202);
        await().atMost(Duration.ofSeconds(20)).until(() -> !PartnerStub.calls(ref).isEmpty());
        Map<String, List<String>> headers = PartnerStub.calls(ref).get(0).headers();
        assertThat(headers.get("Traceparent")).as("partner's request headers %s", headers).isNotNull();
        assertThat(headers.get("Traceparent").get(0)).contains(trace);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            List<SpanData> hops = spans.trace(trace);
            assertThat(components(hops)).as(describe(hops)).contains("camel-jms", "camel-http");
        });
    }

    @Test
    void aRepliedTraceIsNotHandedBackAsMessageHeaders() {
        String trace = randomHex(16);
        Response reply = given().auth().preemptive().basic("app", "app").contentType("application/json")
                .header("traceparent", "00-" + trace + "-" + randomHex(8) + "-01")
                .body("{\"sku\": \"B-2\", \"quantity\": 1}")
                .when().post("/api/requests/pricing?timeout=10s");
        assertThat(reply.statusCode()).isEqualTo(200);
        assertThat(reply.headers().asList()).noneMatch(h -> h.getName().toLowerCase().startsWith("x-msg-trace"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(spans.trace(trace))
                .anyMatch(s -> isReceived(s, "pricing")));
    }

    private static boolean isReceived(SpanData span, String destination) {
        return "camel-jms".equals(component(span)) && "EVENT_RECEIVED".equals(op(span)) && names(span, destination);
    }

    private static boolean isSent(SpanData span, String destination) {
        return "camel-jms".equals(component(span)) && "EVENT_SENT".equals(op(span)) && names(span, destination);
    }

    /** Camel names a JMS span by its destination: {@code queue:x} or {@code topic:x}. */
    private static boolean names(SpanData span, String destination) {
        return span.getName().equals("queue:" + destination) || span.getName().equals("topic:" + destination);
    }

    private static String component(SpanData span) {
        return attribute(span, "component");
    }

    private static String op(SpanData span) {
        return attribute(span, "op");
    }

    private static String attribute(SpanData span, String key) {
        Map<String, String> attributes = new HashMap<>();
        span.getAttributes().forEach((k, v) -> attributes.put(k.getKey(), String.valueOf(v)));
        return attributes.get(key);
    }

    private static Set<String> components(List<SpanData> hops) {
        return hops.stream().map(TracingTest::component).filter(c -> c != null).collect(Collectors.toSet());
    }

    private static String describe(List<SpanData> hops) {
        return hops.size() + " spans: " + hops.stream().map(s -> s.getKind() + " " + s.getName() + " "
                + s.getAttributes().asMap()).collect(Collectors.joining("\n  ", "\n  ", ""));
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        random[0] |= 1; // never all zeros, which W3C calls invalid
        return HexFormat.of().formatHex(random);
    }

    private static KafkaConsumer<String, String> kafkaConsumer() {
        Map<String, Object> properties = new HashMap<>(KafkaTestCluster.clientProperties());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "tracing-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
    }
}
