package dev.caravan.deadletter;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;
import jakarta.jms.MapMessage;
import jakarta.jms.Message;
import jakarta.jms.ObjectMessage;
import jakarta.jms.StreamMessage;
import jakarta.jms.TextMessage;

/** Reads a dead letter's JMS message into the API's {@link DeadLetter}, and knows which properties are whose. */
final class DeadLetterMessages {

    /** Properties that describe the failure, shown as fields of {@link DeadLetter} and dropped on replay. */
    static final Set<String> FAILURE_PROPERTIES = Set.of(DeadLetterHeaders.FAILED_BY, DeadLetterHeaders.ROUTE_ID,
            DeadLetterHeaders.EXCEPTION_CLASS, DeadLetterHeaders.EXCEPTION_MESSAGE, DeadLetterHeaders.ATTEMPTS,
            DeadLetterHeaders.FIRST_FAILED_AT, DeadLetterHeaders.LAST_FAILED_AT, DeadLetterHeaders.REPLAY_COUNT);

    private DeadLetterMessages() {
    }

    /** The message's own properties: what an application set, neither failure fields nor the broker's internals. */
    static Map<String, Object> ownProperties(Message message) throws JMSException {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (String name : Collections.list((java.util.Enumeration<?>) message.getPropertyNames()).stream()
                .map(Object::toString).sorted().toList()) {
            if (isOwn(name)) {
                properties.put(name, message.getObjectProperty(name));
            }
        }
        return properties;
    }

    static boolean isOwn(String name) {
        if ("JMSXGroupID".equals(name) || "JMSXGroupSeq".equals(name)) {
            return true; // message groups survive a replay
        }
        return !FAILURE_PROPERTIES.contains(name) && !name.startsWith("_AMQ") && !name.startsWith("__AMQ")
                && !name.startsWith("JMSX");
    }

    static DeadLetter read(String dlq, Message message, int bodyLimit) throws JMSException {
        Map<String, Object> headers = ownProperties(message);
        if (message.getJMSCorrelationID() != null) {
            headers.put("JMSCorrelationID", message.getJMSCorrelationID());
        }
        if (message.getJMSType() != null) {
            headers.put("JMSType", message.getJMSType());
        }
        headers.put("JMSPriority", message.getJMSPriority());
        String[] body = body(message, bodyLimit);
        Integer attempts = message.propertyExists(DeadLetterHeaders.ATTEMPTS)
                ? message.getIntProperty(DeadLetterHeaders.ATTEMPTS)
                : null;
        return new DeadLetter(message.getJMSMessageID(), dlq,
                message.getStringProperty(DeadLetterHeaders.ORIGINAL_ADDRESS),
                message.getStringProperty(DeadLetterHeaders.ORIGINAL_QUEUE),
                message.getStringProperty(DeadLetterHeaders.FAILED_BY),
                message.getStringProperty(DeadLetterHeaders.ROUTE_ID),
                message.getStringProperty(DeadLetterHeaders.EXCEPTION_CLASS),
                message.getStringProperty(DeadLetterHeaders.EXCEPTION_MESSAGE),
                attempts, instant(message, DeadLetterHeaders.FIRST_FAILED_AT), failedAt(message),
                replayCount(message), headers, body[0], body[1], body[2]);
    }

    /** When the message was dead-lettered: the stamped time, or the message's own timestamp for a foreign one. */
    static Instant failedAt(Message message) throws JMSException {
        Instant stamped = instant(message, DeadLetterHeaders.LAST_FAILED_AT);
        return stamped != null ? stamped : Instant.ofEpochMilli(message.getJMSTimestamp());
    }

    static int replayCount(Message message) throws JMSException {
        return message.propertyExists(DeadLetterHeaders.REPLAY_COUNT)
                ? message.getIntProperty(DeadLetterHeaders.REPLAY_COUNT)
                : 0;
    }

    private static Instant instant(Message message, String property) throws JMSException {
        return message.propertyExists(property) ? Instant.ofEpochMilli(message.getLongProperty(property)) : null;
    }

    /** Type, encoding (null or base64) and the body text, cut at {@code limit} characters. */
    static String[] body(Message message, int limit) throws JMSException {
        if (message instanceof TextMessage text) {
            return new String[]{"text", null, cut(text.getText(), limit)};
        }
        if (message instanceof BytesMessage bytes) {
            bytes.reset();
            byte[] data = new byte[(int) bytes.getBodyLength()];
            bytes.readBytes(data);
            bytes.reset();
            try {
                String text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(data)).toString();
                return new String[]{"bytes", null, cut(text, limit)};
            } catch (CharacterCodingException e) {
                return new String[]{"bytes", "base64", cut(Base64.getEncoder().encodeToString(data), limit)};
            }
        }
        if (message instanceof MapMessage map) {
            Map<String, Object> entries = new LinkedHashMap<>();
            for (Object name : Collections.list((java.util.Enumeration<?>) map.getMapNames())) {
                entries.put(name.toString(), map.getObject(name.toString()));
            }
            return new String[]{"map", null, cut(entries.toString(), limit)};
        }
        if (message instanceof ObjectMessage) {
            return new String[]{"object", null, null};
        }
        if (message instanceof StreamMessage) {
            return new String[]{"stream", null, null};
        }
        return new String[]{"none", null, null};
    }

    private static String cut(String text, int limit) {
        return text == null || text.length() <= limit ? text : text.substring(0, limit) + "…";
    }
}
