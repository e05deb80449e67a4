package dev.caravan.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.inject.Inject;
import jakarta.jms.Message;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** Routes use transformers by name ({@code transformer:<name>}); an edited mapping applies without a restart. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransformerRouteTest extends CaravanTestSupport {

    private static final String FILE = "transformer-test.camel.yaml";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    TransformerRegistry registry;

    @BeforeAll
    void deploy() {
        files().deploy(FILE, """
                - route:
                    id: tx-upgrade
                    from:
                      uri: "jms:queue:tx.orders.v1"
                      steps:
                        - to: "transformer:order-v1-to-v2"
                        - to: "jms:queue:tx.orders.v2"
                - route:
                    id: tx-csv
                    from:
                      uri: "jms:queue:tx.stock.csv"
                      steps:
                        - to: "transformer:stock-csv-to-json"
                        - to: "jms:queue:tx.stock.json"
                """);
    }

    @AfterAll
    void undeploy() {
        files().undeploy(FILE);
    }

    @Test
    void routeTransformsByNameAndSetsTheContentType() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("tx.orders.v1",
                    """
                            {"id": "o-1", "customerName": "Ada", "customerEmail": "a@x", "items": [{"sku": "A", "qty": 3, "price": 1.5}]}
                            """);
            Message out = client.receive("tx.orders.v2", 10_000);
            assertThat(out).isNotNull();
            JsonNode v2 = JSON.readTree(Jms.text(out));
            assertThat(v2.get("version").asInt()).isEqualTo(2);
            assertThat(v2.get("totalCents").asLong()).isEqualTo(450);
            assertThat(out.getStringProperty("Content_HYPHEN_Type")).isEqualTo("application/json");

            client.sendText("tx.stock.csv", "sku,quantity\nA,1\n");
            assertThat(JSON.readTree(Jms.text(client.receive("tx.stock.json", 10_000))))
                    .isEqualTo(JSON.readTree("[{\"sku\": \"A\", \"quantity\": \"1\"}]"));
        }
    }

    @Test
    void editedMappingAppliesWithoutARestart() throws Exception {
        Path mapping = registry.dir().resolve("order-v1-to-v2").resolve("mapping.jq");
        String original = Files.readString(mapping);
        try (Jms client = connect("app")) {
            Files.writeString(mapping, original.replace("version: 2", "version: 2, edited: true"));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                client.sendText("tx.orders.v1", "{\"id\": \"o-2\", \"items\": []}");
                Message out = client.receive("tx.orders.v2", 10_000);
                return JSON.readTree(Jms.text(out)).path("edited").asBoolean(false);
            });
        } finally {
            Files.writeString(mapping, original);
        }
    }

    @Test
    void bodyTheTransformerCannotReadEndsInTheDeadLetterQueue() throws Exception {
        try (Jms client = connect("operator")) {
            client.sendText("tx.orders.v1", "{not json");
            Message dead = nextDeadLetter(client, "tx.orders.v1", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("{not json");
        }
    }
}
