package dev.caravan.deadletter;

/**
 * The dead-letter operations for JMX consoles (Hawtio's JMX tab, Jolokia), registered as
 * {@code caravan:type=DeadLetters}. Results are JSON, the same shapes as the REST API; changes are audited as user
 * {@code jmx}.
 */
public interface DeadLettersMBean {

    /** Every DLQ with depth and oldest failure (JSON). */
    String listDeadLetterQueues() throws Exception;

    /** Dead letters in all DLQs together. */
    long getTotalDeadLetters();

    /** A page of one DLQ's dead letters, oldest first (JSON). */
    String browse(String dlq, int offset, int limit) throws Exception;

    /** One dead letter (JSON). */
    String show(String dlq, String id) throws Exception;

    /** One DLQ's failure groups (JSON). */
    String groups(String dlq) throws Exception;

    /** Replays every dead letter of {@code dlq} to its original queue; returns how many. */
    long replayAll(String dlq) throws Exception;

    /** Replays the comma-separated {@code ids}; returns how many. */
    long replay(String dlq, String ids) throws Exception;

    /** Replays one failure group; returns how many. */
    long replayGroup(String dlq, String group) throws Exception;

    /** Deletes one dead letter; returns 1. */
    long delete(String dlq, String id) throws Exception;

    /** Deletes every dead letter of {@code dlq}; returns how many. */
    long purge(String dlq) throws Exception;
}
