package dev.caravan.deadletter;

import java.util.Set;
import java.util.stream.Collectors;

import org.apache.activemq.artemis.api.core.Message;
import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.RoutingContext;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerMessagePlugin;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.jboss.logging.Logger;

import dev.caravan.history.MessageHistory;

/**
 * A plugin of the embedded broker that writes the failure on every message the broker moves to a dead-letter address:
 * the route, exception, attempts and failure times that {@link RouteFailures} recorded when a Caravan route rolled
 * the message back, or, for any other consumer, the broker's own reason. Dead letters thus have one shape whoever gave
 * up (see {@link DeadLetterHeaders}).
 * <p>
 * Artemis has no setting for "annotate dead letters", hence this plugin; it hooks the routing of the broker's copy,
 * which happens in the same transaction as the move.
 */
public class DeadLetterStamp implements ActiveMQServerMessagePlugin {

    private static final Logger LOG = Logger.getLogger(DeadLetterStamp.class);

    private final RouteFailures failures;
    private final MessageHistory history;
    private volatile ActiveMQServer server;
    private volatile Set<String> deadLetterAddresses = Set.of();

    public DeadLetterStamp(RouteFailures failures, MessageHistory history) {
        this.failures = failures;
        this.history = history;
    }

    @Override
    public void registered(ActiveMQServer server) {
        this.server = server;
        deadLetterAddresses = server.getConfiguration().getAddressSettings().values().stream()
                .map(AddressSettings::getDeadLetterAddress)
                .filter(address -> address != null && !address.isEmpty())
                .map(SimpleString::toString)
                .collect(Collectors.toUnmodifiableSet());
    }

    @Override
    public void beforeMessageRoute(Message message, RoutingContext context, boolean direct, boolean rejectDuplicates) {
        // Every message the broker routes passes here: compare the address first, touch properties only for DLAs.
        String address = message.getAddress();
        if (address == null || !deadLetterAddresses.contains(address)) {
            return;
        }
        Object originalId = message.getObjectProperty(Message.HDR_ORIG_MESSAGE_ID);
        Object originalAddress = message.getObjectProperty(Message.HDR_ORIGINAL_ADDRESS);
        if (!(originalId instanceof Number id) || originalAddress == null) {
            return; // sent to the dead-letter address by a client, not moved there by the broker
        }
        RouteFailures.Failure failure = failures.take(id.longValue());
        if (failure != null) {
            stamp(message, DeadLetterHeaders.FAILED_BY_ROUTE, failure.routeId(), failure.exceptionClass(),
                    failure.exceptionMessage(), failure.attempts(), failure.firstFailedAt(), failure.lastFailedAt());
            LOG.warnf("Dead letter from %s (route %s, %d attempts): %s: %s", originalAddress, failure.routeId(),
                    failure.attempts(), failure.exceptionClass(), failure.exceptionMessage());
            record(message, failure.routeId(), failure.attempts() + " attempts; " + failure.exceptionClass() + ": "
                    + failure.exceptionMessage());
        } else {
            int attempts = server.getAddressSettingsRepository().getMatch(originalAddress.toString())
                    .getMaxDeliveryAttempts();
            String reason = "the consumer did not acknowledge the message in " + attempts + " delivery attempts";
            stamp(message, DeadLetterHeaders.FAILED_BY_BROKER, null, "MaxDeliveryAttemptsExceeded", reason,
                    attempts, null, System.currentTimeMillis());
            LOG.warnf("Dead letter from %s: %s", originalAddress, reason);
            record(message, null, reason);
        }
    }

    private void record(Message message, String routeId, String detail) {
        Object correlationId = message.getCorrelationID();
        if (correlationId != null) {
            history.record(correlationId.toString(), "dead-lettered", routeId == null ? "broker" : routeId,
                    message.getAddress(), null, detail);
        }
    }

    private static void stamp(Message message, String failedBy, String routeId, String exceptionClass,
            String exceptionMessage, int attempts, Long firstFailedAt, long lastFailedAt) {
        // A replayed message that failed again carries the previous failure: replace all of it.
        message.putStringProperty(DeadLetterHeaders.FAILED_BY, failedBy);
        put(message, DeadLetterHeaders.ROUTE_ID, routeId);
        message.putStringProperty(DeadLetterHeaders.EXCEPTION_CLASS, exceptionClass);
        message.putStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE, exceptionMessage);
        message.putIntProperty(DeadLetterHeaders.ATTEMPTS, attempts);
        if (firstFailedAt == null) {
            message.removeProperty(DeadLetterHeaders.FIRST_FAILED_AT);
        } else {
            message.putLongProperty(DeadLetterHeaders.FIRST_FAILED_AT, firstFailedAt);
        }
        message.putLongProperty(DeadLetterHeaders.LAST_FAILED_AT, lastFailedAt);
    }

    private static void put(Message message, String name, String value) {
        if (value == null) {
            message.removeProperty(name);
        } else {
            message.putStringProperty(name, value);
        }
    }
}
