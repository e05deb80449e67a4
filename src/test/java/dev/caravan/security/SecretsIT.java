package dev.caravan.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.caravan.testing.CaravanProcess;
import dev.caravan.testing.Jms;
import dev.caravan.testing.LocalHttp;
import dev.caravan.testing.Ports;

/**
 * Distinctive passwords for the three users, the database and RabbitMQ, handed over the way deployments do (environment
 * variables; the database's also as a system property, which ends up on the JVM's command line). After exercising
 * Caravan (logins right and wrong, request-reply, refused requests, a send to RabbitMQ that cannot connect and ends as
 * a dead letter), none of them may appear in the log, {@code /q/health}, {@code /q/metrics}, any MBean attribute an
 * operator can read over Jolokia, an error body or a dead letter's failure.
 */
class SecretsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> secrets = new LinkedHashMap<>(Map.of(
            "admin", "Adm1n-S3cret-" + suffix,
            "operator", "Op3r-S3cret-" + suffix,
            "app", "App-S3cret-" + suffix,
            "database", "Db-S3cret-" + suffix,
            "rabbitmq", "Rabb1t-S3cret-" + suffix));
    private int httpPort;

    @Test
    void noSecretAppearsAnywhereAnOperatorOrTheLogCanSee() throws Exception {
        Path run = CaravanProcess.runDir("secrets-");
        Path routes = Files.createDirectories(run.resolve("routes"));
        for (String file : List.of("pricing-service.camel.yaml", "legacy-shipments-to-rabbitmq.camel.yaml",
                "invoices-by-country.camel.yaml")) {
            Files.copy(Path.of("routes", file), routes.resolve(file));
        }
        httpPort = Ports.free();
        int brokerPort = Ports.free();
        // Nothing listens on this port: the RabbitMQ bridge keeps failing to connect, and logging it, with the URL.
        String rabbitUrl = "amqp://caravan:" + secrets.get("rabbitmq") + "@127.0.0.1:" + Ports.free() + "/";
        try (CaravanProcess caravan = CaravanProcess.start(run, routes, run.resolve("data"), httpPort, brokerPort,
                Map.of("caravan.database.password", secrets.get("database")),
                Map.of("CARAVAN_ADMIN_PASSWORD", secrets.get("admin"),
                        "CARAVAN_OPERATOR_PASSWORD", secrets.get("operator"),
                        "CARAVAN_APP_PASSWORD", secrets.get("app"),
                        "CARAVAN_DATABASE_URL", "jdbc:postgresql://127.0.0.1:5432/test",
                        "CARAVAN_DATABASE_USERNAME", "postgres",
                        "CARAVAN_RABBITMQ_URL", rabbitUrl))) {
            caravan.awaitReady(Duration.ofMinutes(3));
            Map<String, String> seen = new LinkedHashMap<>();

            // Exercise: a request-reply, a broker login, wrong logins, refused requests.
            seen.put("request-reply", post("/api/requests/pricing?timeout=10s", "app", secrets.get("app"),
                    "{\"sku\": \"B-2\", \"quantity\": 3}").body());
            try (Jms app = Jms.connect(brokerPort, "app", secrets.get("app"))) {
                app.sendText("invoices", "<invoice country='DE'/>");
                // To RabbitMQ, which cannot be reached: fails, is retried, and ends as a dead letter with the reason.
                app.sendText("legacy.shipments", "{\"shipment\": 1}");
            }
            seen.put("wrong password", post("/api/queues/x", "app", secrets.get("admin"), "x").body());
            seen.put("bad name", post("/api/queues/bad%20name", "app", secrets.get("app"), "x").body());
            seen.put("forbidden", post("/api/queues/DLA", "app", secrets.get("app"), "x").body());
            seen.put("forbidden dlq", get("/api/dlq", "app", secrets.get("app")).body());
            seen.put("unknown dlq", get("/api/dlq/DLQ.nothing/messages", "operator", secrets.get("operator")).body());
            await().atMost(Duration.ofSeconds(120)).until(() -> get("/api/dlq/DLQ.legacy.shipments/messages",
                    "operator", secrets.get("operator")).body().contains("onnection refused"));
            seen.put("dead letter", get("/api/dlq/DLQ.legacy.shipments/messages", "operator",
                    secrets.get("operator")).body());

            seen.put("/q/health", get("/q/health", null, null).body());
            seen.put("/q/metrics", get("/q/metrics", null, null).body());
            seen.put("jolokia", readEveryAttribute());
            seen.put("log", caravan.output());

            assertThat(seen.get("request-reply")).contains("\"totalCents\":3000");
            // The reads returned values (the JVM's name, Camel's and the broker's attributes), not just names.
            assertThat(seen.get("jolokia")).contains("\"VmName\"").contains("\"CamelId\"")
                    .contains("\"AddressMemoryUsage\"").doesNotContain("\"InputArguments\":[");
            List<String> leaks = new ArrayList<>();
            seen.forEach((where, text) -> secrets.forEach((what, secret) -> {
                if (text.contains(secret)) {
                    int at = text.indexOf(secret);
                    leaks.add(what + " password in " + where + ": …"
                            + text.substring(Math.max(0, at - 200), Math.min(text.length(), at + 60)) + "…");
                }
            }));
            assertThat(leaks).as("secrets found").isEmpty();
        }
    }

    /** Every MBean an operator can list, read with all attributes, as one Jolokia bulk request. */
    private String readEveryAttribute() throws Exception {
        HttpResponse<String> search = jolokia("{\"type\":\"search\",\"mbean\":\"*:*\"}");
        assertThat(search.statusCode()).isEqualTo(200);
        JsonNode names = JSON.readTree(search.body()).get("value");
        List<Map<String, Object>> reads = new ArrayList<>();
        names.forEach(name -> reads.add(Map.of("type", "read", "mbean", name.asText(),
                "config", Map.of("ignoreErrors", true, "maxDepth", 10, "maxCollectionSize", 10_000))));
        assertThat(reads).hasSizeGreaterThan(100);
        HttpResponse<String> all = jolokia(JSON.writeValueAsString(reads));
        assertThat(all.statusCode()).isEqualTo(200);
        return search.body() + "\n" + all.body();
    }

    private HttpResponse<String> jolokia(String body) throws Exception {
        return post("/hawtio/jolokia/", "operator", secrets.get("operator"), body);
    }

    private HttpResponse<String> post(String path, String user, String password, String body) throws Exception {
        return new LocalHttp(httpPort).post(path, user, password, "application/json", body);
    }

    private HttpResponse<String> get(String path, String user, String password) throws Exception {
        LocalHttp http = new LocalHttp(httpPort);
        return user == null ? http.get(path) : http.get(path, user, password);
    }
}
