package dev.caravan.deadletter;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import jakarta.ws.rs.NotFoundException;

import org.jboss.logging.Logger;
import org.messaginghub.pooled.jms.JmsPoolConnectionFactory;

/**
 * Moves dead letters back to where they came from (or to another queue), in broker transactions: each batch of
 * messages is received from the DLQ and sent to its destinations in one local transaction, so a message leaves the
 * DLQ only together with its arrival on the destination. A crash mid-replay rolls back the open batch; the batches
 * before it are done. Each replayed copy also carries a duplicate-detection id derived from the dead letter, so a
 * commit retried after a lost reply (failover) cannot deliver it twice.
 * <p>
 * A message that was already replayed {@code caravan.dlq.max-replays} times is not selected: it stays in the DLQ,
 * counted as skipped, until an operator deletes it or fixes its cause and replays it elsewhere.
 */
@Singleton
public class DeadLetterReplayer {

    /** Artemis' duplicate-detection and scheduled-delivery properties. */
    static final String DUPLICATE_ID = "_AMQ_DUPL_ID";
    static final String SCHEDULED_DELIVERY = "_AMQ_SCHED_DELIVERY";

    private static final Logger LOG = Logger.getLogger(DeadLetterReplayer.class);

    @Inject
    @Named("caravanConnectionFactory")
    JmsPoolConnectionFactory connections;

    @Inject
    DeadLetterQueues queues;

    @Inject
    DeadLetterConfig config;

    /**
     * What to replay and how.
     *
     * @param ids these dead letters; or
     * @param all every dead letter; or
     * @param filter those matching; or
     * @param group those of this failure group ({@link FailureGroups#key})
     * @param destination a queue to send to instead of each message's original queue
     * @param body a replacement body (one message only)
     * @param headers properties to set (a null value removes one)
     * @param at deliver at this time (the messages leave the DLQ now and wait, scheduled, on their destination)
     * @param limit replay at most this many
     */
    public record Request(List<String> ids, boolean all, DeadLetterFilter filter, String group, String destination,
            String body, Map<String, String> headers, Instant at, Long limit) {

        boolean edits() {
            return body != null || (headers != null && !headers.isEmpty());
        }
    }

    /** How many were replayed, how many matched but were held back by the replay limit. */
    public record Result(long replayed, long skipped, Instant scheduledFor) {
    }

    public Result replay(String dlq, Request request) throws JMSException {
        String loopGuard = "(" + DeadLetterHeaders.REPLAY_COUNT + " IS NULL OR " + DeadLetterHeaders.REPLAY_COUNT
                + " < " + config.maxReplays() + ")";
        String hasOrigin = request.destination() == null ? DeadLetterHeaders.ORIGINAL_ADDRESS + " IS NOT NULL" : null;
        DeadLetterFilter filter = request.filter() == null ? DeadLetterFilter.NONE : request.filter();

        List<String> ids = request.ids();
        if (request.group() != null) {
            ids = queues.all(dlq, filter).stream().filter(l -> FailureGroups.key(l).equals(request.group()))
                    .map(DeadLetter::id).distinct().toList();
            if (ids.isEmpty()) {
                throw new NotFoundException("no dead letters of group " + request.group() + " in " + dlq);
            }
        } else if (filter.needsBody()) {
            ids = queues.all(dlq, filter).stream().map(DeadLetter::id).distinct().toList();
        }
        // Selections: one per chunk of ids, or the filter's selector (null: every dead letter).
        List<List<String>> chunks = ids == null
                ? java.util.Collections.singletonList(null)
                : DeadLetterQueues.idChunks(ids);

        long limit = request.limit() == null ? Long.MAX_VALUE : request.limit();
        long replayed = 0;
        long skipped = 0;
        for (List<String> chunk : chunks) {
            String selection = chunk == null ? filter.selector() : DeadLetterQueues.idSelector(chunk);
            long held = queues.count(dlq, DeadLetterFilter.and(selection, "NOT " + loopGuard));
            skipped += held;
            String selector = DeadLetterFilter.and(DeadLetterFilter.and(selection, loopGuard), hasOrigin);
            // Only what is there now: dead letters arriving during the replay wait for the next one. The broker's
            // depth is exact; a browse can miss messages the broker has just added (it walks the queue while they
            // are still being appended), so browse counts are used only where a selector leaves no other way.
            long present;
            if (selection == null) {
                present = queues.depth(dlq) - held;
            } else if (chunk != null) {
                present = chunk.size();
            } else {
                present = queues.count(dlq, selector);
            }
            long expected = Math.min(limit - replayed, present);
            if (expected > 0) {
                long moved = move(dlq, selector, expected, request);
                LOG.debugf("replay %s: %d of %d moved (selector %s)", dlq, moved, expected, selector);
                replayed += moved;
            }
        }
        return new Result(replayed, skipped, request.at());
    }

    private long move(String dlq, String selector, long expected, Request request) throws JMSException {
        long moved = 0;
        try (Connection connection = connections.createConnection()) {
            connection.start();
            try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                    MessageConsumer consumer = session.createConsumer(DeadLetterQueues.queue(session, dlq), selector);
                    MessageProducer producer = session.createProducer(null)) {
                Map<String, Destination> destinations = new HashMap<>();
                int batch = 0;
                while (moved < expected) {
                    Message dead = consumer.receive(2_000);
                    if (dead == null) {
                        break;
                    }
                    Destination target = destination(session, dead, request.destination(), destinations);
                    Message copy = replayCopy(session, dead, request);
                    producer.send(target, copy, DeliveryMode.PERSISTENT, dead.getJMSPriority(), 0);
                    moved++;
                    if (++batch == config.batchSize()) {
                        session.commit();
                        batch = 0;
                    }
                }
                session.commit();
            } catch (JMSException | RuntimeException e) {
                // Closing the session rolls the open batch back: those messages are still in the DLQ.
                throw new IllegalStateException("replay of " + dlq + " stopped: " + e.getMessage() + " (" + moved
                        + " replayed before the last committed batch may be fewer; the rest are still in the DLQ)",
                        e);
            }
        }
        return moved;
    }

    /**
     * The message to send: the dead letter itself with its failure fields removed (body untouched, whatever its
     * type), or, when edited, a new message with the edited body and headers — never both.
     */
    private Message replayCopy(Session session, Message dead, Request request) throws JMSException {
        Map<String, Object> properties = DeadLetterMessages.ownProperties(dead);
        int replays = DeadLetterMessages.replayCount(dead);
        String duplicateId = "caravan-replay:" + dead.getStringProperty(DeadLetterHeaders.ORIGINAL_QUEUE) + ":"
                + dead.getJMSMessageID() + ":" + DeadLetterMessages.failedAt(dead).toEpochMilli();
        Message copy;
        if (request.edits()) {
            copy = edited(session, dead, request.body());
            if (request.headers() != null) {
                request.headers().forEach((name, value) -> {
                    if (value == null) {
                        properties.remove(name);
                    } else {
                        properties.put(name, value);
                    }
                });
            }
        } else {
            dead.clearProperties();
            copy = dead;
        }
        for (Map.Entry<String, Object> property : properties.entrySet()) {
            copy.setObjectProperty(property.getKey(), property.getValue());
        }
        copy.setIntProperty(DeadLetterHeaders.REPLAY_COUNT, replays + 1);
        copy.setStringProperty(DUPLICATE_ID, duplicateId);
        if (request.at() != null) {
            copy.setLongProperty(SCHEDULED_DELIVERY, request.at().toEpochMilli());
        }
        return copy;
    }

    private static Message edited(Session session, Message dead, String body) throws JMSException {
        Message copy;
        String text = body != null ? body : DeadLetterMessages.body(dead, Integer.MAX_VALUE)[2];
        if (dead instanceof BytesMessage && body != null) {
            BytesMessage bytes = session.createBytesMessage();
            bytes.writeBytes(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            copy = bytes;
        } else if (dead instanceof TextMessage || body != null) {
            copy = session.createTextMessage(text);
        } else {
            throw new jakarta.ws.rs.BadRequestException("only text and bytes dead letters can be edited");
        }
        copy.setJMSCorrelationID(dead.getJMSCorrelationID());
        copy.setJMSType(dead.getJMSType());
        copy.setJMSReplyTo(dead.getJMSReplyTo());
        return copy;
    }

    /**
     * The original queue: the address itself for an anycast queue, the subscription queue by its fully qualified
     * name for a topic subscriber (so only that subscriber gets it again, not every subscriber of the topic).
     */
    private static Destination destination(Session session, Message dead, String override,
            Map<String, Destination> cache) throws JMSException {
        if (override != null) {
            return cache.computeIfAbsent("queue:" + override, k -> create(() -> session.createQueue(override)));
        }
        String address = dead.getStringProperty(DeadLetterHeaders.ORIGINAL_ADDRESS);
        String queue = dead.getStringProperty(DeadLetterHeaders.ORIGINAL_QUEUE);
        if (queue == null || queue.equals(address)) {
            return cache.computeIfAbsent("queue:" + address, k -> create(() -> session.createQueue(address)));
        }
        String fqqn = address + "::" + queue;
        return cache.computeIfAbsent("subscription:" + fqqn, k -> create(() -> session.createTopic(fqqn)));
    }

    private static Destination create(JmsSupplier supplier) {
        try {
            return supplier.get();
        } catch (JMSException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @FunctionalInterface
    private interface JmsSupplier {
        Destination get() throws JMSException;
    }
}
