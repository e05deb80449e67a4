package dev.caravan.deadletter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.JMSContext;

import org.jboss.logging.Logger;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.agroal.api.AgroalDataSource;

/**
 * The record of what operators did to dead letters: every replay, edit, delete and purge, with who, when, what and how
 * many. Kept in Caravan's database (listed over the API), logged on the {@code caravan.audit} category, and published
 * as JSON on the audit topic for whatever archives or alerts on it.
 */
@Singleton
public class DeadLetterAudit {

    private static final Logger LOG = Logger.getLogger("caravan.audit");
    private static final int DETAILS_LENGTH = 4000;

    @Inject
    @Named("dataSource")
    AgroalDataSource dataSource;

    @Inject
    @Named("caravanConnectionFactory")
    JmsPoolConnectionFactory connections;

    @Inject
    DeadLetterConfig config;

    @Inject
    ObjectMapper json;

    /** One operator action. */
    public record Entry(long id, Instant at, String user, String action, String dlq, long count, String details) {
    }

    /**
     * Records an action that has happened. The database row is the record of truth; if the audit topic cannot be
     * reached the action is not undone, the failure is logged.
     */
    public Entry record(String user, String action, String dlq, long count, String details) {
        String cut = details == null || details.length() <= DETAILS_LENGTH
                ? details
                : details.substring(0, DETAILS_LENGTH - 1) + "…";
        Instant at = Instant.now();
        long id;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO dlq_audit (occurred_at, username, action, dlq, affected, details)"
                                + " VALUES (?, ?, ?, ?, ?, ?)",
                        new String[]{"id"})) {
            insert.setTimestamp(1, Timestamp.from(at));
            insert.setString(2, user);
            insert.setString(3, action);
            insert.setString(4, dlq);
            insert.setLong(5, count);
            insert.setString(6, cut);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                id = keys.next() ? keys.getLong(1) : 0;
            }
        } catch (SQLException e) {
            LOG.errorf(e, "AUDIT NOT STORED: %s %s %s (%d messages) %s", user, action, dlq, count, cut);
            throw new IllegalStateException("the audit record could not be stored: " + e.getMessage(), e);
        }
        Entry entry = new Entry(id, at, user, action, dlq, count, cut);
        LOG.infof("%s %s %s: %d message(s) %s", user, action, dlq, count, cut == null ? "" : cut);
        try (JMSContext context = connections.createContext()) {
            context.createProducer().send(context.createTopic(config.auditTopic()), json.writeValueAsString(entry));
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.errorf(e, "Audit entry %d not published on %s", id, config.auditTopic());
        }
        return entry;
    }

    /** Entries, newest first. */
    public List<Entry> list(int offset, int limit) {
        List<Entry> entries = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
                PreparedStatement query = connection.prepareStatement(
                        "SELECT id, occurred_at, username, action, dlq, affected, details FROM dlq_audit"
                                + " ORDER BY id DESC LIMIT ? OFFSET ?")) {
            query.setInt(1, limit);
            query.setInt(2, offset);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getLong(1), rows.getTimestamp(2).toInstant(), rows.getString(3),
                            rows.getString(4), rows.getString(5), rows.getLong(6), rows.getString(7)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the audit: " + e.getMessage(), e);
        }
        return entries;
    }
}
