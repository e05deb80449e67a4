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

    @Test
    void answersEveryPredicateAsCamelDoes() {
        List<Object> bodies = List.of(ORDER, ORDER.getBytes(StandardCharsets.UTF_8),
                ORDER.getBytes(StandardCharsets.UTF_16BE), ORDER.getBytes(StandardCharsets.UTF_16),
                "[" + ORDER + ", {\"totalCents\": 10}]", "[]", "{}", "\"just a string\"", "42", "true", "null",
                "{\"totalCents\": 60000", "not json", "", "{\"a\": 1} trailing", new byte[]{(byte) 0xC3, 0x28},
                "{\"name\": \"Zoë ✓\", \"totalCents\": 1e3}", Map.of("totalCents", 60000));
        List<String> predicates = List.of("$[?(@.totalCents > 50000)]", "$.customer.vip", "$.lines[?(@.quantity > 1)]",
                "$.note", "$.missing", "$..sku", "$[0].totalCents", "$.lines.length()", "$[?(@.name =~ /Zo.*/)]");
        List<String> compared = new ArrayList<>();
        for (Object body : bodies) {
            for (String expression : predicates) {
                Object expected = outcome(plain.createPredicate(expression), body);
                Object actual = outcome(caravan.createPredicate(expression), body);
                assertThat(actual).as("%s on %s", expression, describe(body)).isEqualTo(expected);
                compared.add(expression);
            }
        }
        assertThat(compared).hasSize(bodies.size() * predicates.size());
    }

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

    /** The predicate's answer, or the class of what it threw (messages may name Caravan's input where Camel's is the body). */
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
