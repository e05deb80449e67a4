package dev.caravan.transform;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.SafeCopyProperty;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A JSON body parsed once per exchange into Jackson's untyped maps and lists — the form Camel's JSONPath evaluates —
 * and kept on the exchange for the next step that would parse the same body again.
 * <p>
 * Why: a content-based router decides on the body with a JSONPath predicate, usually more than one per message, and
 * each evaluation made Camel parse the whole body again, from a {@code byte[]} (a JMS bytes message, an HTTP body)
 * through an {@code InputStreamReader} that allocates an 8 KiB decoding buffer per message. In benchmark (d) that parse
 * was ≈ 19 % of the route thread's CPU; Jackson reads bytes directly, and one parse serves every predicate.
 * <p>
 * The entry is keyed by the identity of the body it was parsed from: once any step replaces the body, the entry no
 * longer matches and the next reader parses the new body. (A step that rewrote a {@code byte[]} body in place, without
 * setting it, would go unnoticed; Camel's processors and Caravan's steps always set a new body.) It is held as an
 * internal ("safe copy") exchange property, so it is not among the exchange's properties that routes, logs or traces
 * see. The maps and lists are shared by every reader of the entry, so only readers that never hand them to other code,
 * nor change them, take them from here: predicates, whose result is only true or false, and transformers that write
 * the document in another form.
 */
public final class ParsedJson {

    private static final String KEY = "CaravanParsedJson";

    private ParsedJson() {
    }

    /** What was parsed from which body, and by which mapper (a reader with another mapper parses for itself). */
    private record Entry(Object body, ObjectMapper mapper, Object tree) implements SafeCopyProperty {
        @Override
        public SafeCopyProperty safeCopy() {
            return this; // immutable; a copy of the exchange keeps the same body until it replaces it
        }
    }

    /**
     * The exchange's body parsed with {@code mapper} into a {@link Map} (JSON object) or {@link List} (JSON array),
     * from this exchange's entry when it was parsed from the same body with the same mapper; {@code null} when the body
     * is not a {@code String} or {@code byte[]}, or is not a JSON object or array (the caller then reads the body its
     * own way, with its own error for malformed input).
     */
    public static Object tree(Exchange exchange, ObjectMapper mapper) {
        Object body = exchange.getMessage().getBody();
        if (!(body instanceof byte[]) && !(body instanceof String)) {
            return null;
        }
        Entry entry = exchange.getExchangeExtension().getSafeCopyProperty(KEY, Entry.class);
        if (entry != null && entry.body == body && entry.mapper == mapper) {
            return entry.tree;
        }
        Object tree = parse(body, mapper);
        if (tree != null) {
            exchange.getExchangeExtension().setSafeCopyProperty(KEY, new Entry(body, mapper, tree));
        }
        return tree;
    }

    /**
     * What an earlier step parsed from the exchange's current body, by whichever mapper, or {@code null}. For readers
     * that take any mapper's untyped parse of the document as the document: every mapper reads JSON into the same maps,
     * lists, strings, numbers, booleans and nulls unless configured to read another dialect of JSON (comments, say),
     * and then the application's mapper — the one JSONPath uses — has decided what its JSON is.
     */
    public static Object cached(Exchange exchange) {
        Entry entry = exchange.getExchangeExtension().getSafeCopyProperty(KEY, Entry.class);
        return entry != null && entry.body == exchange.getMessage().getBody() ? entry.tree : null;
    }

    /**
     * Jackson reads bytes in UTF-8, UTF-16 or UTF-32, detected as RFC 4627 says and as Camel's JSONPath does for a
     * stream. Anything it cannot read (malformed JSON, bytes that are not text) is left to the caller.
     */
    static Object parse(Object body, ObjectMapper mapper) {
        try {
            Object tree = body instanceof byte[] bytes
                    ? mapper.readValue(bytes, Object.class)
                    : mapper.readValue((String) body, Object.class);
            return tree instanceof Map || tree instanceof List ? tree : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
