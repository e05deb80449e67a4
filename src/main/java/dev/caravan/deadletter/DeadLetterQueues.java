package dev.caravan.deadletter;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Queue;
import jakarta.jms.QueueBrowser;
import jakarta.jms.Session;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.NotFoundException;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.client.ClientSession;
import org.apache.activemq.artemis.api.core.client.ClientSessionFactory;
import org.apache.activemq.artemis.api.core.client.ServerLocator;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

import io.quarkus.runtime.ShutdownEvent;

/**
 * The dead-letter queues on the broker: which exist, how deep, and their messages, browsed, found, deleted and
 * purged. Works the same against the embedded and an external broker: queue names and depths come from the Artemis
 * core client's queries, messages through JMS on the DLQ's fully qualified name {@code DLA::DLQ.<queue>}.
 */
@Singleton
public class DeadLetterQueues {

    /** Where the broker puts dead letters (broker.xml {@code dead-letter-address}). */
    public static final String DEAD_LETTER_ADDRESS = "DLA";
    static final String PREFIX = "DLQ.";

    private static final Pattern NAME = Pattern.compile("DLQ\\.[A-Za-z0-9._-]{1,200}");
    private static final Pattern ID = Pattern.compile("ID:[A-Za-z0-9:._-]{1,200}");

    /** Dead letters in a page of the API carry at most this many body characters; showing one carries all. */
    static final int PAGE_BODY_LIMIT = 64 * 1024;

    @Inject
    @Named("caravanConnectionFactory")
    JmsPoolConnectionFactory connections;

    @Inject
    @Named("caravanDirectConnectionFactory")
    ActiveMQConnectionFactory direct;

    @Inject
    DeadLetterConfig config;

    private ClientSessionFactory coreFactory;
    private ClientSession core;
    /** Set once on the way down: no new core session after that (see {@link #close()}). */
    private boolean closed;

    /** One DLQ: its name, the queue it serves, how many dead letters and when the oldest failed. */
    public record Summary(String name, String originalQueue, long count, Instant oldestFailedAt) {
    }

    /** Every DLQ on the dead-letter address, with depth and oldest failure (one browsed message per DLQ). */
    public List<Summary> list() {
        List<Summary> summaries = new ArrayList<>();
        depths().forEach((name, count) -> summaries.add(new Summary(name, name.substring(PREFIX.length()), count,
                count == 0 ? null : oldestFailure(name))));
        return summaries;
    }

    /** Every DLQ's depth, from the broker's counts alone (no browsing): for health and totals. */
    public Map<String, Long> depths() {
        Map<String, Long> depths = new LinkedHashMap<>();
        for (String name : names()) {
            depths.put(name, depth(name));
        }
        return depths;
    }

    /** Names of the DLQs that exist now. */
    public synchronized List<String> names() {
        try {
            ClientSession.AddressQuery query = core().addressQuery(SimpleString.of(DEAD_LETTER_ADDRESS));
            if (!query.isExists()) {
                return List.of();
            }
            return query.getQueueNames().stream().map(SimpleString::toString).filter(n -> n.startsWith(PREFIX))
                    .sorted().toList();
        } catch (Exception e) {
            throw new IllegalStateException("cannot list dead-letter queues: " + e.getMessage(), e);
        }
    }

    /** Messages in {@code dlq} now (the broker's count, including ones being replayed). */
    public synchronized long depth(String dlq) {
        try {
            ClientSession.QueueQuery query = core().queueQuery(SimpleString.of(dlq));
            return query.isExists() ? query.getMessageCount() : 0;
        } catch (Exception e) {
            throw new IllegalStateException("cannot query " + dlq + ": " + e.getMessage(), e);
        }
    }

    /** Checks an operator's DLQ name: 400 if malformed, 404 if no such DLQ. */
    public String require(String dlq) {
        if (dlq == null || !NAME.matcher(dlq).matches()) {
            throw new BadRequestException("a DLQ name is DLQ.<queue> ([A-Za-z0-9._-], up to 200 characters)");
        }
        if (!names().contains(dlq)) {
            throw new NotFoundException("no dead-letter queue " + dlq);
        }
        return dlq;
    }

    /** Checks a dead letter id (a JMS message id); 400 if malformed. */
    public static String requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new BadRequestException("a dead letter id is a JMS message id such as ID:6c1f…, not '" + id + "'");
        }
        return id;
    }

    /** A page of dead letters matching {@code filter}, oldest first. */
    public List<DeadLetter> browse(String dlq, DeadLetterFilter filter, int offset, int limit) throws JMSException {
        List<DeadLetter> page = new ArrayList<>();
        int[] seen = {0};
        scan(dlq, filter.selector(), message -> {
            DeadLetter letter = DeadLetterMessages.read(dlq, message, PAGE_BODY_LIMIT);
            if (!filter.matchesBody(letter.body())) {
                return true;
            }
            if (seen[0]++ >= offset) {
                page.add(letter);
            }
            return page.size() < limit;
        });
        return page;
    }

    /** Every dead letter matching {@code filter} (up to the scan limit), for grouping and selection. */
    public List<DeadLetter> all(String dlq, DeadLetterFilter filter) throws JMSException {
        List<DeadLetter> letters = new ArrayList<>();
        scan(dlq, filter.selector(), message -> {
            DeadLetter letter = DeadLetterMessages.read(dlq, message, PAGE_BODY_LIMIT);
            if (filter.matchesBody(letter.body())) {
                letters.add(letter);
            }
            return true;
        });
        return letters;
    }

    /** Messages matching {@code selector}, counted by browsing. */
    public long count(String dlq, String selector) throws JMSException {
        long[] count = {0};
        scan(dlq, selector, message -> {
            count[0]++;
            return true;
        });
        return count[0];
    }

    /** One dead letter with its whole body; 404 if it is not (or no longer) there. */
    public DeadLetter find(String dlq, String id) throws JMSException {
        DeadLetter[] found = {null};
        scan(dlq, idSelector(List.of(id)), message -> {
            found[0] = DeadLetterMessages.read(dlq, message, Integer.MAX_VALUE);
            return false;
        });
        if (found[0] == null) {
            throw new NotFoundException("no dead letter " + id + " in " + dlq);
        }
        return found[0];
    }

    /** Removes the dead letters matching {@code selector} (all with null), in committed batches; returns how many. */
    public long remove(String dlq, String selector) throws JMSException {
        long expected = selector == null ? depth(dlq) : count(dlq, selector);
        long removed = 0;
        try (Connection connection = connections.createConnection()) {
            connection.start();
            try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer consumer = session.createConsumer(queue(session, dlq), selector)) {
                int batch = 0;
                while (removed < expected) {
                    Message message = consumer.receive(2_000);
                    if (message == null) {
                        break;
                    }
                    removed++;
                    if (++batch == config.batchSize()) {
                        session.commit();
                        batch = 0;
                    }
                }
                session.commit();
            }
        }
        return removed;
    }

    static Queue queue(Session session, String dlq) throws JMSException {
        return session.createQueue(DEAD_LETTER_ADDRESS + "::" + dlq);
    }

    /** Ids per selector: a JMS selector with thousands of terms gets slow to parse and evaluate. */
    static final int IDS_PER_SELECTOR = 500;

    /** One selector per chunk of at most {@link #IDS_PER_SELECTOR} ids. */
    static List<List<String>> idChunks(List<String> ids) {
        List<List<String>> chunks = new ArrayList<>();
        for (int i = 0; i < ids.size(); i += IDS_PER_SELECTOR) {
            chunks.add(ids.subList(i, Math.min(ids.size(), i + IDS_PER_SELECTOR)));
        }
        return chunks;
    }

    /** A selector for these message ids (validated with {@link #requireId}). */
    static String idSelector(List<String> ids) {
        return "JMSMessageID IN (" + String.join(", ", ids.stream().map(DeadLetterFilter::literal).toList()) + ")";
    }

    /** Browses {@code dlq} in queue order, up to the scan limit, while {@code visitor} returns true. */
    void scan(String dlq, String selector, Visitor visitor) throws JMSException {
        try (Connection connection = connections.createConnection()) {
            connection.start();
            try (Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    QueueBrowser browser = session.createBrowser(queue(session, dlq), selector)) {
                Enumeration<?> messages = browser.getEnumeration();
                int scanned = 0;
                while (messages.hasMoreElements() && scanned++ < config.scanLimit()) {
                    if (!visitor.visit((Message) messages.nextElement())) {
                        return;
                    }
                }
            }
        }
    }

    private Instant oldestFailure(String dlq) {
        Instant[] oldest = {null};
        try {
            scan(dlq, null, message -> {
                oldest[0] = DeadLetterMessages.failedAt(message);
                return false;
            });
        } catch (JMSException e) {
            throw new IllegalStateException("cannot browse " + dlq + ": " + e.getMessage(), e);
        }
        return oldest[0];
    }

    private ClientSession core() throws Exception {
        if (closed) {
            throw new IllegalStateException("Caravan is stopping");
        }
        if (core == null || core.isClosed()) {
            ServerLocator locator = direct.getServerLocator();
            coreFactory = locator.createSessionFactory();
            core = coreFactory.createSession(direct.getUser(), direct.getPassword(), false, true, true, false, 0);
        }
        return core;
    }

    /**
     * Closes the core session when the application shuts down, before CDI destroys its beans: CDI does not order the
     * destruction of independent beans, and when the embedded broker was destroyed first it waited its whole graceful
     * shutdown timeout (10 s) for this connection. Closed for good, so the DLQ metrics' next refresh cannot open
     * another one behind the close.
     */
    void stopping(@Observes ShutdownEvent event) {
        close();
    }

    @PreDestroy
    synchronized void close() {
        closed = true;
        if (coreFactory != null) {
            coreFactory.close();
            coreFactory = null;
            core = null;
        }
    }

    @FunctionalInterface
    interface Visitor {
        boolean visit(Message message) throws JMSException;
    }

}
