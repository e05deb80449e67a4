package dev.caravan.transform;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.jsonpath.JsonPathExpression;
import org.apache.camel.jsonpath.JsonPathLanguage;
import org.apache.camel.support.ExpressionAdapter;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Camel's {@code jsonpath} language, except that a predicate on a JSON body in a {@code String} or {@code byte[]}
 * evaluates the body parsed once per exchange ({@link ParsedJson}) instead of parsing it again itself. Everything else
 * — the expression, its options, its results and errors — is Camel's: the predicate is Camel's own
 * {@link JsonPathExpression}, given the parsed maps and lists as its input, which it evaluates without parsing, exactly
 * as it would have after parsing the body with the same Jackson mapper. A body that is not JSON, not an object or array,
 * or in another form (a stream, a file, already parsed) goes to Camel unchanged, and so do predicates that name their own
 * input ({@code source}) and those given a charset in {@code CamelJsonPathJsonEncoding}.
 * <p>
 * Expressions (which return parts of the document to the route) keep Camel's own parse: a shared parse would hand the
 * same maps to every caller.
 * <p>
 * One answer differs, on purpose: a path that selects a JSON {@code null} in a {@code byte[]} body. Camel reads bytes
 * through a stream and takes a null result for a body it could not read, so it throws ("Cannot read message body as
 * supported JSon value"), whereas for the same document as text it answers false. Here bytes answer as text does, so a
 * JMS bytes message and a text message with the same JSON take the same branch.
 */
public class CaravanJsonPathLanguage extends JsonPathLanguage {

    /** The header Camel's JSONPath reads a body's charset from ({@code JsonPathConstants.HEADER_JSON_ENCODING}). */
    static final String ENCODING_HEADER = "CamelJsonPathJsonEncoding";

    /** Where a typed, single-input language's properties hold the {@code source} option ({@code header:x}, ...). */
    private static final int SOURCE = 1;

    /**
     * Camel's predicate, as it builds it; when it reads the message body (no {@code source} given), its input is then
     * the parsed body instead.
     */
    @Override
    public Predicate createPredicate(String expression, Object[] properties) {
        Predicate predicate = super.createPredicate(expression, properties);
        String source = property(String.class, properties, SOURCE, null);
        if ((source == null || source.isEmpty()) && predicate instanceof JsonPathExpression jsonPath) {
            jsonPath.setSource(new ParsedBody(mapper(getCamelContext())));
            if (getCamelContext() != null) {
                jsonPath.init(getCamelContext()); // again: the engine takes its input when it is built
            }
        }
        return predicate;
    }

    /**
     * The mapper Camel's JSONPath engine parses with: the one registered in the registry, unless that is an XmlMapper,
     * or else a default one ({@code JsonPathEngine.findRegisteredMapper}).
     */
    static ObjectMapper mapper(CamelContext camel) {
        ObjectMapper registered = camel == null ? null : camel.getRegistry().findSingleByType(ObjectMapper.class);
        return registered != null && !"XmlMapper".equals(registered.getClass().getSimpleName())
                ? registered
                : DEFAULT_MAPPER;
    }

    /** Camel's engine builds Jayway's default Jackson provider, whose mapper is a plain {@code new ObjectMapper()}. */
    private static final ObjectMapper DEFAULT_MAPPER = new ObjectMapper();

    /** The predicate's input: the parsed body where {@link ParsedJson} has one, the body itself otherwise. */
    static final class ParsedBody extends ExpressionAdapter {

        private final ObjectMapper mapper;

        ParsedBody(ObjectMapper mapper) {
            this.mapper = mapper;
        }

        @Override
        public Object evaluate(Exchange exchange) {
            if (exchange.getIn().getHeader(ENCODING_HEADER) == null) {
                Object tree = ParsedJson.tree(exchange, mapper);
                if (tree != null) {
                    return tree;
                }
            }
            return exchange.getMessage().getBody();
        }

        @Override
        public String toString() {
            return "body";
        }
    }
}
