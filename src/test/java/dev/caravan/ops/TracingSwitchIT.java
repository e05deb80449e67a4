package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.Message;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.Ports;

/**
 * The packaged application as shipped: tracing off unless switched on at run time, and when on, spans leave over OTLP
 * to the configured collector (here a stub that records what it is sent); JSON log lines carry the route id and the
 * message's correlation id.
 */
class TracingSwitchIT {

    private static final Duration START = Duration.ofSeconds(90);
    private static final String ROUTE = """
            - route:
                id: trace-relay
                from:
                  uri: "jms:queue:trace.in"
                  steps:
                    - log: "relaying ${body}"
                    - to: "jms:queue:trace.out"
            """;

    @Test
    void offByDefaultAndJsonLogsCarryTheCorrelationIdAndRoute() throws Exception {
        Path run = CaravanProcess.runDir("tracing-off-");
        String correlation = "corr-" + UUID.randomUUID();
        try (CaravanProcess caravan = start(run, Map.of("quarkus.log.console.json.enabled", "true"))) {
            Message out = relay(caravan, correlation);
            assertThat(out.propertyExists("traceparent")).as("no trace context added when tracing is off").isFalse();
            await().atMost(Duration.ofSeconds(10)).until(() -> logLine(caravan.output(), correlation) != null);
            JsonNode line = logLine(caravan.output(), correlation);
            assertThat(line.path("mdc").path("camel.routeId").asText()).isEqualTo("trace-relay");
            assertThat(line.path("level").asText()).isEqualTo("INFO");
            assertThat(caravan.output()).doesNotContain("Opentelemetry2 enabled");
            caravan.stop(Duration.ofSeconds(60));
        }
    }

    @Test
    void switchedOnSpansGoToTheConfiguredCollector() throws Exception {
        List<byte[]> exported = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            exported.add(exchange.getRequestBody().readAllBytes());
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        Path run = CaravanProcess.runDir("tracing-on-");
        try (CaravanProcess caravan = start(run, Map.of(
                "quarkus.otel.sdk.disabled", "false",
                "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:" + collector.getAddress().getPort(),
                "quarkus.otel.exporter.otlp.traces.protocol", "http/protobuf",
                "quarkus.otel.bsp.schedule.delay", "100ms"))) {
            Message out = relay(caravan, "corr-" + UUID.randomUUID());
            assertThat(out.getStringProperty("traceparent")).as("the trace travels on with the message")
                    .matches("00-[0-9a-f]{32}-[0-9a-f]{16}-01");
            String traceId = out.getStringProperty("traceparent").substring(3, 35);
            // OTLP protobuf: the route's span names and the trace id's bytes are in the export.
            await().atMost(Duration.ofSeconds(20)).until(() -> exported.stream()
                    .map(body -> new String(body, StandardCharsets.ISO_8859_1))
                    .anyMatch(body -> body.contains("queue:trace.in") && body.contains(bytesOf(traceId))));
            caravan.stop(Duration.ofSeconds(60));
        } finally {
            collector.stop(0);
        }
    }

    private static Message relay(CaravanProcess caravan, String correlation) throws Exception {
        try (Jms client = Jms.connect(caravan.brokerPort(), "app", "app")) {
            Session session = client.session();
            TextMessage message = session.createTextMessage("hello");
            message.setJMSCorrelationID(correlation);
            try (MessageProducer producer = session.createProducer(session.createQueue("trace.in"))) {
                producer.send(message);
            }
            Message out = client.receive("trace.out", 30_000);
            assertThat(out).as("relayed message").isNotNull();
            assertThat(out.getJMSCorrelationID()).isEqualTo(correlation);
            return out;
        }
    }

    /** The JSON log line of the relay route's log step for this correlation id, or null. */
    private static JsonNode logLine(String output, String correlation) {
        ObjectMapper json = new ObjectMapper();
        for (String line : output.split("\n")) {
            if (!line.startsWith("{") || !line.contains(correlation)) {
                continue;
            }
            try {
                JsonNode node = json.readTree(line);
                if (correlation.equals(node.path("mdc").path(CorrelationIdMdc.KEY).asText())
                        && node.path("message").asText().startsWith("relaying")) {
                    return node;
                }
            } catch (IOException e) {
                // not a JSON line
            }
        }
        return null;
    }

    private static String bytesOf(String hex) {
        byte[] bytes = java.util.HexFormat.of().parseHex(hex);
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static CaravanProcess start(Path run, Map<String, String> properties) throws Exception {
        Path routes = Files.createDirectories(run.resolve("routes"));
        Files.writeString(routes.resolve("trace-relay.camel.yaml"), ROUTE);
        CaravanProcess caravan = CaravanProcess.start(run, routes, run.resolve("data"), Ports.free(), Ports.free(),
                properties);
        try {
            return caravan.awaitReady(START);
        } catch (RuntimeException | Error e) {
            caravan.close();
            throw e;
        }
    }
}
