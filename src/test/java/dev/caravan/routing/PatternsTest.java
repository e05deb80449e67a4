package dev.caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** The routing-pattern examples shipped in {@code routes/}, each driven by a real JMS client. */
@QuarkusTest
class PatternsTest extends CaravanTestSupport {

    @Test
    void contentBasedRoutingOnAHeader() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("shipments", "parcel-1", "Carrier", "dhl");
            client.sendText("shipments", "parcel-2", "Carrier", "ups");
            client.sendText("shipments", "parcel-3", "Carrier", "fedex");
            client.sendText("shipments", "parcel-4");
            assertThat(texts(client.receive("shipments.dhl", 1, 10_000))).containsExactly("parcel-1");
            assertThat(texts(client.receive("shipments.ups", 1, 10_000))).containsExactly("parcel-2");
            assertThat(texts(client.receive("shipments.manual", 2, 10_000))).containsExactlyInAnyOrder("parcel-3",
                    "parcel-4");
        }
    }

    @Test
    void contentBasedRoutingOnJsonPath() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("payments", "{\"id\": 1, \"amount\": 250}");
            client.sendText("payments", "{\"id\": 2, \"amount\": 5000}");
            client.sendText("payments", "{\"id\": 3}");
            assertThat(texts(client.receive("payments.review", 2, 10_000))).containsExactlyInAnyOrder(
                    "{\"id\": 2, \"amount\": 5000}", "{\"id\": 3}");
            // payments.auto feeds the wire-tap example: the payment comes out settled, with a copy for audit.
            assertThat(texts(client.receive("payments.settled", 1, 10_000))).containsExactly(
                    "{\"id\": 1, \"amount\": 250}");
            assertThat(texts(client.receive("audit.payments", 1, 10_000))).containsExactly(
                    "{\"id\": 1, \"amount\": 250}");
        }
    }

    @Test
    void contentBasedRoutingOnXPath() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("invoices", "<invoice country=\"DE\"><total>10</total></invoice>");
            client.sendText("invoices", "<invoice country=\"FR\"><total>20</total></invoice>");
            assertThat(texts(client.receive("invoices.de", 1, 10_000))).singleElement().asString()
                    .contains("country=\"DE\"");
            assertThat(texts(client.receive("invoices.eu", 1, 10_000))).singleElement().asString()
                    .contains("country=\"FR\"");
        }
    }

    @Test
    void recipientListSendsOneCopyPerNamedChannel() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("notifications", "your parcel is on its way", "Channels", "email,sms");
            assertThat(texts(client.receive("notify.email", 1, 10_000))).containsExactly("your parcel is on its way");
            assertThat(texts(client.receive("notify.sms", 1, 10_000))).containsExactly("your parcel is on its way");
        }
    }

    @Test
    void recipientListRefusesAHeaderThatIsNotAListOfChannelNames() throws Exception {
        try (Jms client = connect("operator")) {
            client.sendText("notifications", "sneaky", "Channels", "email,log:x?level=ERROR");
            // Validation fails on every delivery: the broker gives up and dead-letters it, with nothing sent anywhere.
            // DLQ.notifications exists from its first dead letter on (broker.xml): poll until it does.
            Message dead = nextDeadLetter(client, "notifications", Duration.ofSeconds(20));
            assertThat(Jms.text(dead)).isEqualTo("sneaky");
            assertThat(client.receive("notify.email", 200)).isNull();
        }
    }

    @Test
    void messageFilterPassesOnlyWhatMatches() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("sensor.readings", "{\"sensor\": \"a\", \"temperature\": 21}");
            client.sendText("sensor.readings", "{\"sensor\": \"b\", \"temperature\": 35}");
            client.sendText("sensor.readings", "{\"sensor\": \"c\", \"temperature\": 19}");
            assertThat(texts(client.receive("sensor.alerts", 1, 10_000))).singleElement().asString()
                    .contains("\"b\"");
            assertThat(client.receive("sensor.alerts", 500)).isNull();
        }
    }

    @Test
    void splitterSendsOneMessagePerLineWithItsPosition() throws Exception {
        try (Jms client = connect("app")) {
            client.sendText("orders.with-lines", """
                    {"order": 7, "lines": [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}, {"sku": "C", "qty": 3}]}
                    """);
            List<Message> lines = client.receive("order.lines", 3, 10_000);
            assertThat(texts(lines)).containsExactly("{\"sku\":\"A\",\"qty\":1}", "{\"sku\":\"B\",\"qty\":2}",
                    "{\"sku\":\"C\",\"qty\":3}");
            assertThat(lines).allSatisfy(line -> {
                assertThat(property(line, "OrderId")).isEqualTo("7");
                assertThat(property(line, "LineCount")).isEqualTo("3");
            });
            assertThat(lines.stream().map(line -> property(line, "LineIndex")).collect(Collectors.toList()))
                    .containsExactly("0", "1", "2");
        }
    }

    @Test
    void throttlerHoldsTheRateDown() throws Exception {
        try (Jms client = connect("app")) {
            for (int i = 0; i < 25; i++) {
                client.sendText("sms.outbox", "sms-" + i);
            }
            long started = System.nanoTime();
            Set<String> sent = Set.copyOf(texts(client.receive("sms.gateway", 25, 10_000)));
            double seconds = (System.nanoTime() - started) / 1e9;
            assertThat(sent).hasSize(25);
            // 10 per second: 25 messages need at least two full periods after the first ten. A lower bound only, so
            // a slow machine cannot fail it.
            assertThat(seconds).isGreaterThan(1.5);
        }
    }

    @Test
    void aggregatorSendsABatchWhenFullAndAnotherWhenItsTimeIsUp() throws Exception {
        String full = "wh-" + UUID.randomUUID();
        String partial = "wh-" + UUID.randomUUID();
        try (Jms client = connect("app")) {
            for (int i = 1; i <= 5; i++) {
                client.sendText("stock.movements", "{\"sku\": \"A\", \"delta\": " + i + "}", "Warehouse", full);
            }
            for (int i = 1; i <= 2; i++) {
                client.sendText("stock.movements", "{\"sku\": \"B\", \"delta\": " + i + "}", "Warehouse", partial);
            }
            Map<String, Message> batches = new HashMap<>();
            for (int i = 0; i < 2; i++) {
                Message batch = client.receive("stock.movements.batches", 10_000);
                assertThat(batch).as("batch %d", i + 1).isNotNull();
                batches.put(property(batch, "Warehouse"), batch);
            }
            Message bySize = batches.get(full);
            assertThat(property(bySize, "BatchSize")).isEqualTo("5");
            assertThat(property(bySize, "CompletedBy")).isEqualTo("size");
            assertThat(Jms.text(bySize)).isEqualTo("[{\"sku\":\"A\",\"delta\":1},{\"sku\":\"A\",\"delta\":2},"
                    + "{\"sku\":\"A\",\"delta\":3},{\"sku\":\"A\",\"delta\":4},{\"sku\":\"A\",\"delta\":5}]");
            Message byTime = batches.get(partial);
            assertThat(property(byTime, "BatchSize")).isEqualTo("2");
            assertThat(property(byTime, "CompletedBy")).isEqualTo("timeout");
        }
    }

    @Test
    void resequencerPutsEntriesBackInSequenceOrder() throws Exception {
        String account = "acc-" + UUID.randomUUID();
        try (Jms client = connect("app")) {
            for (int seq : new int[]{3, 1, 4, 2}) {
                client.sendText("ledger.entries", "entry " + seq, "Account", account, "Seq", String.valueOf(seq));
            }
            List<Message> ordered = client.receive("ledger.entries.ordered", 4, 10_000);
            assertThat(texts(ordered)).containsExactly("entry 1", "entry 2", "entry 3", "entry 4");
            assertThat(ordered.stream().map(m -> property(m, "Seq")).toList()).containsExactly("1", "2", "3", "4");
        }
    }

    private static List<String> texts(List<Message> messages) {
        return messages.stream().map(Jms::text).toList();
    }

    private static String property(Message message, String name) {
        try {
            return message.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
