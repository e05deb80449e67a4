package dev.caravan.deadletter;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Singleton;

/**
 * The failures of messages that Caravan's routes consumed and rolled back, remembered until the message either
 * succeeds or the broker dead-letters it ({@link DeadLetterStamp} then writes the failure on the dead letter).
 * <p>
 * Why not have the route send the dead letter itself on the last attempt: the route's own sends of that attempt are
 * in the same JMS transaction as the acknowledgement, so committing a dead letter would also commit a half-done
 * route's output. Rolling back and letting the broker move the message keeps the attempt all-or-nothing; the broker
 * runs in this process, so it can read what the route recorded.
 * <p>
 * Keyed by the broker's message id; bounded, oldest entries go first (a message whose entry was evicted is still
 * dead-lettered, with the broker's generic reason).
 */
@Singleton
public class RouteFailures {

    static final int CAPACITY = 50_000;

    /** One message's failures so far. */
    public record Failure(String routeId, String exceptionClass, String exceptionMessage, int attempts,
            long firstFailedAt, long lastFailedAt) {
    }

    private final Map<Long, Failure> failures = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Failure> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Read without the lock on every successful exchange: most of the time there is nothing to forget. */
    private volatile int size;

    /**
     * Records a failed delivery of broker message {@code messageId}; {@code tries} counts the route's own retries
     * within that delivery.
     */
    public void failed(long messageId, String routeId, Throwable failure, int tries) {
        long now = System.currentTimeMillis();
        String exceptionClass = failure == null
                ? "org.apache.camel.RollbackExchangeException"
                : failure.getClass()
                        .getName();
        String message = failure == null ? "the route asked for a rollback" : String.valueOf(failure.getMessage());
        if (message.length() > DeadLetterHeaders.MAX_EXCEPTION_MESSAGE) {
            message = message.substring(0, DeadLetterHeaders.MAX_EXCEPTION_MESSAGE) + "…";
        }
        synchronized (failures) {
            Failure before = failures.get(messageId);
            failures.put(messageId, new Failure(routeId, exceptionClass, message,
                    (before == null ? 0 : before.attempts()) + tries,
                    before == null ? now : before.firstFailedAt(), now));
            size = failures.size();
        }
    }

    /** Forgets a message that a route has now processed. */
    public void succeeded(long messageId) {
        if (size == 0) {
            return;
        }
        synchronized (failures) {
            failures.remove(messageId);
            size = failures.size();
        }
    }

    /** Whether any failure is remembered; a cheap check before looking a message up. */
    public boolean isEmpty() {
        return size == 0;
    }

    /** Removes and returns what is known about {@code messageId}, or null. */
    public Failure take(long messageId) {
        if (size == 0) {
            return null;
        }
        synchronized (failures) {
            Failure failure = failures.remove(messageId);
            size = failures.size();
            return failure;
        }
    }
}
