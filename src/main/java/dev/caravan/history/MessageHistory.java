package dev.caravan.history;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * The hops of recent messages by correlation id: which route received a message from where, where it sent it, how each
 * attempt ended, and when the broker dead-lettered it. Bounded in memory ({@link HistoryConfig}): at most
 * {@code max-messages} ids of {@code max-hops} hops each, the oldest id forgotten first. Lost on restart, on purpose:
 * it answers "where did X go just now", the broker and the dead letters hold what must survive.
 * <p>
 * Camel's own message history ({@code camel.main.message-history}) keeps the steps of one exchange while it runs;
 * nothing in Camel or Artemis follows one business message across routes and the broker, hence this class.
 */
@ApplicationScoped
public class MessageHistory {

    /**
     * Exchange property with the destination of a send whose endpoint URI does not name it (the gateway's endpoints take
     * the destination from a header), e.g. {@code jms://queue:orders}.
     */
    public static final String SENT_TO = "CaravanSentTo";

    /** One hop: {@code event} is received, sent, completed, failed, accepted or dead-lettered. */
    public record Hop(Instant at, String event, String route, String endpoint, Long millis, String detail) {
    }

    /** What is known about one correlation id, oldest hop first; {@code dropped} hops did not fit. */
    public record Trail(String correlationId, List<Hop> hops, int dropped) {
    }

    private static final class Hops {
        private final ArrayDeque<Hop> hops = new ArrayDeque<>();
        private int dropped;
    }

    @Inject
    HistoryConfig config;

    private final Map<String, Hops> trails = new ConcurrentHashMap<>();
    private final Queue<String> order = new ConcurrentLinkedQueue<>();

    public boolean enabled() {
        return config.enabled();
    }

    /** Records one hop of the message with that correlation id (nothing without one), as happening now. */
    public void record(String correlationId, String event, String route, String endpoint, Long millis,
            String detail) {
        record(correlationId, Instant.now(), event, route, endpoint, millis, detail);
    }

    /**
     * Records one hop that happened {@code at}: a send is reported when it returns, after the next route may already
     * have received the message, so it is recorded at the time it started.
     */
    public void record(String correlationId, Instant at, String event, String route, String endpoint, Long millis,
            String detail) {
        if (correlationId == null || correlationId.isEmpty() || !config.enabled()) {
            return;
        }
        Hop hop = new Hop(at, event, route, endpoint, millis, detail);
        Hops hops = trails.computeIfAbsent(correlationId, id -> {
            order.add(id);
            return new Hops();
        });
        synchronized (hops) {
            if (hops.hops.size() >= config.maxHops()) {
                hops.hops.removeFirst();
                hops.dropped++;
            }
            hops.hops.addLast(hop);
        }
        while (trails.size() > config.maxMessages()) {
            String oldest = order.poll();
            if (oldest == null) {
                break;
            }
            trails.remove(oldest);
        }
    }

    /** The trail of that correlation id, if it is still remembered. */
    public Optional<Trail> trail(String correlationId) {
        Hops hops = trails.get(correlationId);
        if (hops == null) {
            return Optional.empty();
        }
        synchronized (hops) {
            List<Hop> inOrder = new java.util.ArrayList<>(hops.hops);
            inOrder.sort(java.util.Comparator.comparing(Hop::at)); // stable: equal times keep their recorded order
            return Optional.of(new Trail(correlationId, List.copyOf(inOrder), hops.dropped));
        }
    }

    /** Most correlation ids remembered. */
    public int capacity() {
        return config.maxMessages();
    }

    /** Correlation ids remembered now. */
    public int size() {
        return trails.size();
    }
}
