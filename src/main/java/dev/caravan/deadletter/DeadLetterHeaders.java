package dev.caravan.deadletter;

/**
 * What a dead letter carries besides its original body and headers. The names are JMS property names (identifiers),
 * readable by every protocol's clients, the Artemis console and Caravan's dead-letter API.
 * <p>
 * The original destination is the broker's own pair, {@code _AMQ_ORIG_ADDRESS} and {@code _AMQ_ORIG_QUEUE}, so the
 * Artemis console's "retry" sends a Caravan dead letter back where it came from.
 */
public final class DeadLetterHeaders {

    /** Who gave up: {@code route} (a Caravan route failed on every attempt) or {@code broker} (any other consumer). */
    public static final String FAILED_BY = "CaravanFailedBy";
    /** Id of the route that failed. */
    public static final String ROUTE_ID = "CaravanRouteId";
    /** Class of the last failure's exception. */
    public static final String EXCEPTION_CLASS = "CaravanExceptionClass";
    /** Message of the last failure's exception (for a schema violation: every violation). */
    public static final String EXCEPTION_MESSAGE = "CaravanExceptionMessage";
    /** Tries in all: broker deliveries times the route's own retries of each. */
    public static final String ATTEMPTS = "CaravanAttempts";
    /** First failure, epoch milliseconds. */
    public static final String FIRST_FAILED_AT = "CaravanFirstFailedAt";
    /** Last failure (when the message was dead-lettered), epoch milliseconds. */
    public static final String LAST_FAILED_AT = "CaravanLastFailedAt";
    /** How often an operator has replayed this message so far. */
    public static final String REPLAY_COUNT = "CaravanReplayCount";

    /** The address the message was sent to (set by the broker). */
    public static final String ORIGINAL_ADDRESS = "_AMQ_ORIG_ADDRESS";
    /** The queue the message was consumed from, e.g. a subscription's queue (set by the broker). */
    public static final String ORIGINAL_QUEUE = "_AMQ_ORIG_QUEUE";

    public static final String FAILED_BY_ROUTE = "route";
    public static final String FAILED_BY_BROKER = "broker";

    /** Longer exception messages are cut (a property travels with every copy of the message). */
    static final int MAX_EXCEPTION_MESSAGE = 8_000;

    private DeadLetterHeaders() {
    }
}
