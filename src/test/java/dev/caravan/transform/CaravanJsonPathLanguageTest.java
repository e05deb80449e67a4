package dev.caravan.transform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.jsonpath.JsonPathLanguage;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Caravan's {@code jsonpath} language answers every predicate as Camel's own does — the same result, or an exception of
 * the same type — while parsing a body once per exchange.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CaravanJsonPathLanguageTest {

    private static final String ORDER = """
            {"orderId": "o-1", "customer": {"name": "Ada", "vip": true}, "totalCents": 60000, "note": null,
             "lines": [{"sku": "A-1", "quantity": 2, "unitCents": 250.5}, {"sku": "B-2", "quantity": 1}]}""";

    private final CamelContext camel = new DefaultCamelContext();
    private final CaravanJsonPathLanguage caravan = new CaravanJsonPathLanguage();
    private final JsonPathLanguage plain = new JsonPathLanguage();

    @BeforeAll
    void start() {
        caravan.setCamelContext(camel);
        plain.setCamelContext(camel);
        camel.start();
    }

    @AfterAll
    void stop() {
        camel.stop();
    }

    /**
     * Every predicate answers as Camel's does on the same body — with one deliberate exception: where the path selects a
     * JSON {@code null} in a {@code byte[]} body, Camel's reading of bytes through a stream takes the null for an
     * unreadable body and throws ("Cannot read message body as supported JSon value"), although the same document as
     * text answers false. Caravan answers as for the text, so a bytes message and a text message route alike.
     */
    @Test
    void answersEveryPredicateAsCamelDoes() {
        List<String> texts = List.of(ORDER, "[" + ORDER + ", {\"totalCents\": 10}]", "[]", "{}", "\"just a string\"",
                "42", "true", "null", "{\"totalCents\": 60000", "not json", "", "{\"a\": 1} trailing",
                "{\"name\": \"Zoë ✓\", \"totalCents\": 1e3, \"customer\": null}");
        List<Object[]> bodies = new ArrayList<>(); // {body, the same document as text, or null}
        for (String text : texts) {
            bodies.add(new Object[]{text, text});
            bodies.add(new Object[]{text.getBytes(StandardCharsets.UTF_8), text});
        }
        bodies.add(new Object[]{ORDER.getBytes(StandardCharsets.UTF_16BE), ORDER});
        bodies.add(new Object[]{ORDER.getBytes(StandardCharsets.UTF_16), ORDER});
        bodies.add(new Object[]{new byte[]{(byte) 0xC3, 0x28}, null});
        bodies.add(new Object[]{Map.of("totalCents", 60000), null});
        List<String> predicates = List.of("$[?(@.totalCents > 50000)]", "$.customer.vip", "$.lines[?(@.quantity > 1)]",
                "$.note", "$.missing", "$..sku", "$[0].totalCents", "$.lines.length()", "$[?(@.name =~ /Zo.*/)]",
                "$.customer");
        int nullLeaves = 0;
        for (Object[] body : bodies) {
            for (String expression : predicates) {
                Object expected = outcome(plain.createPredicate(expression), body[0]);
                if (body[0] instanceof byte[] && body[1] != null && CANNOT_READ.equals(expected)
                        && !CANNOT_READ.equals(outcome(plain.createPredicate(expression), body[1]))) {
                    expected = outcome(plain.createPredicate(expression), body[1]);
                    nullLeaves++;
                }
                Object actual = outcome(caravan.createPredicate(expression), body[0]);
                assertThat(actual).as("%s on %s", expression, describe(body[0])).isEqualTo(expected);
            }
        }
        // $.note in the order's three encodings, $.customer in the last text's bytes: the cases the exception is about.
        assertThat(nullLeaves).isEqualTo(4);
    }

    /** Camel's outcome when it takes a JSON null read from a stream for an unreadable body. */
    private static final String CANNOT_READ = "org.apache.camel.ExpressionEvaluationException caused by class "
            + "org.apache.camel.CamelExchangeException";

    @Test
    void parsesABodyOncePerExchangeAndAgainWhenItIsReplaced() {
        Exchange exchange = new DefaultExchange(camel);
        byte[] body = ORDER.getBytes(StandardCharsets.UTF_8);
        exchange.getMessage().setBody(body);
        Predicate big = caravan.createPredicate("$[?(@.totalCents > 50000)]");
        Predicate vip = caravan.createPredicate("$.customer.vip");
        ObjectMapper mapper = CaravanJsonPathLanguage.mapper(camel);

        assertThat(big.matches(exchange)).isTrue();
        Object parsed = ParsedJson.tree(exchange, mapper);
        assertThat(parsed).isInstanceOf(Map.class);
        assertThat(vip.matches(exchange)).isTrue();
        assertThat(ParsedJson.tree(exchange, mapper)).isSameAs(parsed);

        exchange.getMessage().setBody("{\"totalCents\": 10, \"customer\": {\"vip\": false}}");
        assertThat(big.matches(exchange)).isFalse();
        assertThat(vip.matches(exchange)).isFalse();
        assertThat(ParsedJson.tree(exchange, mapper)).isNotSameAs(parsed);

        // A copy (a multicast branch, a dead letter) shares the entry until it replaces its own body.
        Exchange copy = exchange.copy();
        assertThat(ParsedJson.tree(copy, mapper)).isSameAs(ParsedJson.tree(exchange, mapper));
        copy.getMessage().setBody(ORDER);
        assertThat(big.matches(copy)).isTrue();
        assertThat(big.matches(exchange)).isFalse();

        // Another mapper (a route's own configuration) never takes what this one parsed.
        assertThat(ParsedJson.tree(exchange, new ObjectMapper())).isNotSameAs(ParsedJson.tree(exchange, mapper));
        // The parsed form is not among the properties routes and traces see.
        assertThat(exchange.getProperties()).isEmpty();
    }

    /** Routes build their predicates through Camel's reifier, with the options as properties: the same parse-once. */
    @Test
    void routePredicatesParseOnceAndOptionsStayCamels() {
        CamelContext context = new DefaultCamelContext();
        context.getRegistry().bind("jsonpath", new CaravanJsonPathLanguage());
        context.start();
        try {
            Exchange exchange = new DefaultExchange(context);
            exchange.getMessage().setBody(ORDER.getBytes(StandardCharsets.UTF_8));
            Predicate big = predicate(context, new org.apache.camel.model.language.JsonPathExpression(
                    "$[?(@.totalCents > 50000)]"));
            assertThat(big.matches(exchange)).isTrue();
            assertThat(exchange.getExchangeExtension().getSafeCopyProperty("CaravanParsedJson", Object.class))
                    .isNotNull();

            var missing = new org.apache.camel.model.language.JsonPathExpression("$.missing.field");
            missing.setSuppressExceptions("true");
            assertThat(predicate(context, missing).matches(exchange)).isFalse();

            // An explicit input is Camel's business: the header is parsed as Camel parses it, the body is not.
            Exchange fromHeader = new DefaultExchange(context);
            fromHeader.getMessage().setHeader("doc", ORDER);
            var onHeader = new org.apache.camel.model.language.JsonPathExpression("$.customer.vip");
            onHeader.setSource("header:doc");
            assertThat(predicate(context, onHeader).matches(fromHeader)).isTrue();
            assertThat(fromHeader.getExchangeExtension().getSafeCopyProperty("CaravanParsedJson", Object.class))
                    .isNull();
        } finally {
            context.stop();
        }
    }

    private static Predicate predicate(CamelContext context,
            org.apache.camel.model.language.ExpressionDefinition definition) {
        return org.apache.camel.reifier.language.ExpressionReifier.reifier(context, definition).createPredicate();
    }

    @Test
    void leavesCharsetsGivenInTheHeaderAndExpressionsToCamel() {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(ORDER.getBytes(StandardCharsets.ISO_8859_1));
        exchange.getMessage().setHeader(CaravanJsonPathLanguage.ENCODING_HEADER, "ISO-8859-1");
        assertThat(caravan.createPredicate("$.customer.vip").matches(exchange)).isTrue();
        assertThat(ParsedJson.tree(new DefaultExchange(camel), CaravanJsonPathLanguage.mapper(camel))).isNull();

        Exchange expression = new DefaultExchange(camel);
        expression.getMessage().setBody(ORDER);
        assertThat(caravan.createExpression("$.customer.name").evaluate(expression, String.class)).isEqualTo("Ada");
        assertThat(expression.getExchangeExtension().getSafeCopyProperty("CaravanParsedJson", Object.class)).isNull();
    }

    /** The predicate's answer, or the class of what it threw (a message may name the input differently). */
    private Object outcome(Predicate predicate, Object body) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(body);
        try {
            return predicate.matches(exchange);
        } catch (RuntimeException e) {
            return e.getClass().getName() + (e.getCause() == null ? "" : " caused by " + e.getCause().getClass());
        }
    }

    private static String describe(Object body) {
        return body instanceof byte[] bytes
                ? "bytes " + new String(bytes, StandardCharsets.ISO_8859_1)
                : body.toString();
    }
}
