package dev.caravan.gateway;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.ws.rs.core.MediaType;

/**
 * The rules of the HTTP gateway's contract (DESIGN.md, "Public contract"), as plain functions: names, timeouts, header
 * mapping and bodies. Every violation is a {@link GatewayException} with status 400.
 */
final class GatewayRequests {

    /** Queue and topic names: {@code [A-Za-z0-9._-]}, 1–200 characters. */
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    /** Message property names from {@code X-Msg-<name>}: a JMS identifier, so every protocol's client can read it. */
    static final Pattern PROPERTY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final String PROPERTY_PREFIX = "x-msg-";
    static final String CORRELATION_HEADER = "X-Correlation-Id";
    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";
    private static final Pattern CORRELATION = Pattern.compile("[\\x21-\\x7e]{1,200}");
    private static final Pattern TIMEOUT = Pattern.compile("(\\d{1,9})(ms|s)");
    private static final int MAX_PROPERTIES = 64;
    private static final int MAX_PROPERTY_VALUE = 4096;

    private GatewayRequests() {
    }

    static String destination(String kind, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new GatewayException(400, "invalid " + kind + " name: use 1-200 characters of A-Z a-z 0-9 . _ -");
        }
        return name;
    }

    /**
     * The name as it stands in the request's path, not decoded ({@code @Encoded}): a valid name needs no escapes, and
     * RESTEasy's own decoding of a bad escape ({@code %25} decoded twice) answered 500. JAX-RS also takes {@code ;x} as
     * a matrix parameter and leaves it out of the path parameter, so {@code /api/queues/a;b} went to queue {@code a}:
     * the raw path's last segment (as the request line has it; RESTEasy's URI drops matrix parameters too) must be
     * the name itself. Both found by the hostile-input fuzz.
     */
    static String destination(String kind, String name, String rawPath) {
        String path = rawPath == null ? "" : rawPath;
        if (name == null || !path.endsWith("/" + name)) {
            throw new GatewayException(400, "invalid " + kind + " name: use 1-200 characters of A-Z a-z 0-9 . _ -");
        }
        return destination(kind, name);
    }

    /** {@code 1500ms} or {@code 5s}; absent means {@code fallback}; above {@code max} is refused. */
    static Duration timeout(String text, Duration fallback, Duration max) {
        if (text == null || text.isBlank()) {
            return fallback;
        }
        Matcher m = TIMEOUT.matcher(text.trim());
        if (!m.matches()) {
            throw new GatewayException(400, "invalid timeout '" + text + "': a number with ms or s, e.g. 1500ms or 5s");
        }
        long amount = Long.parseLong(m.group(1));
        Duration timeout = m.group(2).equals("ms") ? Duration.ofMillis(amount) : Duration.ofSeconds(amount);
        if (timeout.isZero() || timeout.compareTo(max) > 0) {
            throw new GatewayException(400, "timeout must be more than 0 and at most " + max.toSeconds() + "s");
        }
        return timeout;
    }

    /** The caller's {@code X-Correlation-Id}, or a new one. */
    static String correlationId(String header) {
        if (header == null || header.isEmpty()) {
            return UUID.randomUUID().toString();
        }
        if (!CORRELATION.matcher(header).matches()) {
            throw new GatewayException(400, CORRELATION_HEADER + " must be 1-200 visible ASCII characters");
        }
        return header;
    }

    /** The caller's {@code Idempotency-Key}, or null: a retry with the same key is not enqueued twice. */
    static String idempotencyKey(String header) {
        if (header == null || header.isEmpty()) {
            return null;
        }
        if (!CORRELATION.matcher(header).matches()) {
            throw new GatewayException(400, IDEMPOTENCY_HEADER + " must be 1-200 visible ASCII characters");
        }
        return header;
    }

    /** {@code X-Msg-Foo: bar} headers as message properties {@code Foo=bar}, in the order given. */
    static Map<String, Object> properties(Map<String, List<String>> headers) {
        Map<String, Object> properties = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> header : headers.entrySet()) {
            String name = header.getKey();
            if (name.length() <= PROPERTY_PREFIX.length()
                    || !name.regionMatches(true, 0, PROPERTY_PREFIX, 0, PROPERTY_PREFIX.length())) {
                continue;
            }
            String property = name.substring(PROPERTY_PREFIX.length());
            if (!PROPERTY.matcher(property).matches() || reserved(property)) {
                throw new GatewayException(400, "invalid header " + name + ": the part after X-Msg- must be a name of"
                        + " letters, digits and _ not starting with a digit, JMS or Camel");
            }
            if (header.getValue().size() != 1) {
                throw new GatewayException(400, "header " + name + " is given more than once");
            }
            String value = header.getValue().get(0);
            if (value.length() > MAX_PROPERTY_VALUE) {
                throw new GatewayException(400, "header " + name + " is longer than " + MAX_PROPERTY_VALUE);
            }
            properties.put(property, value);
        }
        if (properties.size() > MAX_PROPERTIES) {
            throw new GatewayException(400, "more than " + MAX_PROPERTIES + " X-Msg- headers");
        }
        return properties;
    }

    private static boolean reserved(String property) {
        String lower = property.toLowerCase(Locale.ROOT);
        return lower.startsWith("jms") || lower.startsWith("camel") || lower.startsWith("_amq");
    }

    /**
     * Text content types become a text message (decoded strictly: bytes that are not valid in the declared charset are
     * a 400, not silently replaced); anything else travels as bytes.
     */
    static Object body(byte[] body, MediaType type) {
        if (type == null || !isText(type)) {
            return body;
        }
        Charset charset;
        try {
            String name = type.getParameters().get(MediaType.CHARSET_PARAMETER);
            charset = name == null ? StandardCharsets.UTF_8 : Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new GatewayException(415, "unsupported charset in Content-Type: " + type);
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(body)).toString();
        } catch (CharacterCodingException e) {
            throw new GatewayException(400, "body is not valid " + charset.name() + " text");
        }
    }

    static boolean isText(MediaType type) {
        String subtype = type.getSubtype().toLowerCase(Locale.ROOT);
        return type.getType().equalsIgnoreCase("text") || subtype.equals("json") || subtype.endsWith("+json")
                || subtype.equals("xml") || subtype.endsWith("+xml") || subtype.equals("csv");
    }
}
