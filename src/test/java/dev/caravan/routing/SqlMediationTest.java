package dev.caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** The shipped SQL examples against the PostgreSQL server on loopback (database {@code test}). */
@QuarkusTest
class SqlMediationTest extends CaravanTestSupport {

    @Inject
    @Named("dataSource")
    DataSource dataSource;

    @Test
    void jsonArrayIsUpsertedAsOneBatchWithValuesBoundAsParameters() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String hostile = "x-" + run + "'); DROP TABLE inventory; --";
        try (Jms client = connect("app")) {
            client.sendText("inventory.updates", """
                    [{"sku": "A-%1$s", "quantity": 5}, {"sku": "B-%1$s", "quantity": 7}, {"sku": "%2$s", "quantity": 1}]
                    """.formatted(run, hostile.replace("\"", "\\\"")));
            await().atMost(Duration.ofSeconds(10)).until(() -> quantity("B-" + run), q -> q != null && q == 7);
            assertThat(quantity("A-" + run)).isEqualTo(5);
            // Stored as a value, not executed: the table is still there and holds the text as it was sent.
            assertThat(quantity(hostile)).isEqualTo(1);

            client.sendText("inventory.updates", "[{\"sku\": \"A-%s\", \"quantity\": 9}]".formatted(run));
            await().atMost(Duration.ofSeconds(10)).until(() -> quantity("A-" + run), q -> q != null && q == 9);
            assertThat(count("SELECT count(*) FROM inventory WHERE sku = ?", "A-" + run)).isEqualTo(1);
        }
    }

    @Test
    void outboxRowsArePublishedOnceAndMarkedConsumed() throws Exception {
        String topic = "outbox.test." + UUID.randomUUID().toString().substring(0, 8);
        try (Jms client = connect("app")) {
            Session session = client.session();
            try (MessageConsumer subscriber = session.createConsumer(session.createTopic(topic))) {
                long first = insertOutbox(topic, "{\"event\": 1}");
                long second = insertOutbox(topic, "{\"event\": 2}");
                List<Message> received = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    Message message = subscriber.receive(10_000);
                    assertThat(message).as("outbox message %d", i + 1).isNotNull();
                    received.add(message);
                }
                assertThat(received.stream().map(Jms::text)).containsExactly("{\"event\": 1}", "{\"event\": 2}");
                assertThat(received.get(0).getStringProperty("OutboxId")).isEqualTo(String.valueOf(first));
                await().atMost(Duration.ofSeconds(10)).until(() -> count(
                        "SELECT count(*) FROM outbox WHERE topic = ? AND consumed_at IS NULL", topic) == 0);

                // As after a crash between publishing and marking: the row is picked up again and published again,
                // and the broker's duplicate detection drops the copy.
                try (Connection c = dataSource.getConnection();
                        PreparedStatement reset = c.prepareStatement(
                                "UPDATE outbox SET consumed_at = NULL WHERE id = ?")) {
                    reset.setLong(1, second);
                    reset.executeUpdate();
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> count(
                        "SELECT count(*) FROM outbox WHERE topic = ? AND consumed_at IS NULL", topic) == 0);
                assertThat(subscriber.receive(1_000)).as("the republished copy").isNull();
            }
        }
    }

    @Test
    void databaseOutageSendsMessagesToTheDeadLetterQueueAndLosesNone() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        recoverFromAnInterruptedRun();
        // The outage: the route's table is gone (as if the database refused every write) while messages flow.
        execute("ALTER TABLE inventory RENAME TO inventory_outage");
        try (Jms client = connect("operator")) {
            try {
                for (int i = 0; i < 3; i++) {
                    client.sendText("inventory.updates", "[{\"sku\": \"X-%s-%d\", \"quantity\": %d}]"
                            .formatted(run, i, i));
                }
                // Every failed write rolls the message back; after the broker's attempts it waits in the DLQ.
                List<String> dead = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    dead.add(Jms.text(nextDeadLetter(client, "inventory.updates", Duration.ofSeconds(20))));
                }
                assertThat(dead).allSatisfy(body -> assertThat(body).contains("X-" + run));
            } finally {
                execute("ALTER TABLE inventory_outage RENAME TO inventory");
            }
            // The database is back: the same flow writes again.
            client.sendText("inventory.updates", "[{\"sku\": \"Y-%s\", \"quantity\": 4}]".formatted(run));
            await().atMost(Duration.ofSeconds(10)).until(() -> quantity("Y-" + run), q -> q != null && q == 4);
        }
    }

    /** A run killed mid-outage leaves the table renamed in the shared test database: put it back first. */
    private void recoverFromAnInterruptedRun() throws Exception {
        if (count("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", "inventory_outage") > 0
                && count("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", "inventory") == 0) {
            execute("ALTER TABLE inventory_outage RENAME TO inventory");
        }
    }

    private void execute(String sql) throws Exception {
        try (Connection c = dataSource.getConnection(); var statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    private long insertOutbox(String topic, String payload) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO outbox (topic, payload) VALUES (?, ?)", new String[]{"id"})) {
            insert.setString(1, topic);
            insert.setString(2, payload);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    private Integer quantity(String sku) throws Exception {
        try (Connection c = dataSource.getConnection();
                PreparedStatement query = c.prepareStatement("SELECT quantity FROM inventory WHERE sku = ?")) {
            query.setString(1, sku);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getInt(1) : null;
            }
        }
    }

    private long count(String sql, String parameter) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement query = c.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
