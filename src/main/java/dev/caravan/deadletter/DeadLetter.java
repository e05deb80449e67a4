package dev.caravan.deadletter;

import java.time.Instant;
import java.util.Map;

/**
 * One dead letter as the API shows it: where it came from, why it failed, its headers and body.
 *
 * @param id the message's JMS message id, used to select it
 * @param originalDestination the address it was sent to
 * @param originalQueue the queue it was consumed from (differs from the address for a topic subscription)
 * @param exception class of the last failure
 * @param failedAt last failure
 * @param headers the message's own properties and JMS headers, without the failure fields above
 * @param body the body as text; base64 when {@code bodyEncoding} is {@code base64}
 */
public record DeadLetter(String id, String dlq, String originalDestination, String originalQueue, String failedBy,
        String routeId, String exception, String exceptionMessage, Integer attempts, Instant firstFailedAt,
        Instant failedAt, int replayCount, Map<String, Object> headers, String bodyType, String bodyEncoding,
        String body) {
}
