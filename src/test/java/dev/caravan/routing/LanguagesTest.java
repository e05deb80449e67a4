package dev.caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.jms.BytesMessage;
import jakarta.jms.Message;

import org.apache.camel.Exchange;
import org.apache.camel.model.language.JsonPathExpression;
import org.apache.camel.reifier.language.ExpressionReifier;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;
import dev.caravan.transform.CaravanJsonPathLanguage;

/** The expression languages DESIGN.md promises route authors, each used from a YAML route. */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LanguagesTest extends CaravanTestSupport {

    private static final String FILE = "languages.camel.yaml";

    @BeforeAll
    void deploy() {
        files().deploy(FILE, """
                - route:
                    id: languages-json
                    from:
                      uri: "jms:queue:lang.json.in"
                      steps:
                        - setHeader:
                            name: customer
                            jsonpath: "$.customer.name"
                        - setHeader:
                            name: total
                            jq:
                              expression: ".lines | map(.price * .qty) | add"
                              resultType: java.lang.String
                        - setHeader:
                            name: source
                            header: origin
                        - setHeader:
                            name: channel
                            constant: "json"
                        - setHeader:
                            name: summary
                            simple: "${header.customer} owes ${header.total}"
                        - to: "jms:queue:lang.out"
                - route:
                    id: languages-xml
                    from:
                      uri: "jms:queue:lang.xml.in"
                      steps:
                        - setHeader:
                            name: customer
                            xpath:
                              expression: "/order/customer/text()"
                              resultType: java.lang.String
                        - setHeader:
                            name: channel
                            constant: "xml"
                        - to: "jms:queue:lang.out"
                - route:
                    id: languages-json-choice
                    from:
                      uri: "jms:queue:lang.choice.in"
                      steps:
                        - choice:
                            when:
                              - jsonpath: "$[?(@.totalCents > 50000)]"
                                steps:
                                  - setHeader:
                                      name: size
                                      constant: "big"
                                  - to: "transformer:order-json-to-xml"
                              - jsonpath: "$[?(@.customer.vip == true)]"
                                steps:
                                  - setHeader:
                                      name: size
                                      constant: "vip"
                            otherwise:
                              steps:
                                - setHeader:
                                    name: size
                                    constant: "small"
                        - to: "jms:queue:lang.out"
                """);
    }

    @AfterAll
    void undeploy() {
        files().undeploy(FILE);
    }

    @Test
    void jsonPathJqSimpleHeaderAndConstant() throws Exception {
        try (Jms client = Jms.connect(port, "app", "app")) {
            client.sendText("lang.json.in", """
                    {"customer": {"name": "Ada"}, "lines": [{"price": 2.5, "qty": 2}, {"price": 1, "qty": 3}]}
                    """, "origin", "shop");
            Message out = client.receive("lang.out", 10_000);
            assertThat(out).isNotNull();
            assertThat(out.getStringProperty("customer")).isEqualTo("Ada");
            assertThat(Double.parseDouble(out.getStringProperty("total"))).isEqualTo(8.0);
            assertThat(out.getStringProperty("source")).isEqualTo("shop");
            assertThat(out.getStringProperty("channel")).isEqualTo("json");
            assertThat(out.getStringProperty("summary")).startsWith("Ada owes 8");
        }
    }

    /**
     * Content-based routing on a JSON bytes message (as the gateway and other protocols send it), through Caravan's
     * jsonpath language, which parses the body once for all the predicates.
     */
    @Test
    void jsonPathPredicatesOnBytes() throws Exception {
        assertThat(camel.resolveLanguage("jsonpath")).isInstanceOf(CaravanJsonPathLanguage.class);
        // As a route builds a predicate: through Camel's reifier, which resolves the language by name.
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody("{\"totalCents\": 60000}".getBytes(StandardCharsets.UTF_8));
        assertThat(ExpressionReifier.reifier(camel, new JsonPathExpression("$[?(@.totalCents > 50000)]"))
                .createPredicate().matches(exchange)).isTrue();
        assertThat(exchange.getExchangeExtension().getSafeCopyProperty("CaravanParsedJson", Object.class))
                .as("parsed once, kept for the next predicate").isNotNull();
        try (Jms client = Jms.connect(port, "app", "app")) {
            var producer = client.session().createProducer(client.session().createQueue("lang.choice.in"));
            for (String order : List.of("{\"totalCents\": 60000}",
                    "{\"totalCents\": 10, \"customer\": {\"vip\": true}}",
                    "{\"totalCents\": 10}")) {
                BytesMessage message = client.session().createBytesMessage();
                message.writeBytes(order.getBytes(StandardCharsets.UTF_8));
                message.setStringProperty("order", order);
                producer.send(message);
            }
            List<Message> out = client.receive("lang.out", 3, 10_000);
            Map<String, String> sizes = new HashMap<>();
            for (Message message : out) {
                sizes.put(message.getStringProperty("order"), message.getStringProperty("size"));
                if ("big".equals(message.getStringProperty("size"))) {
                    // The transformer wrote the document the predicate had parsed.
                    assertThat(Jms.text(message)).isEqualTo("<order><totalCents>60000</totalCents></order>");
                }
            }
            assertThat(sizes).containsOnly(Map.entry("{\"totalCents\": 60000}", "big"),
                    Map.entry("{\"totalCents\": 10, \"customer\": {\"vip\": true}}", "vip"),
                    Map.entry("{\"totalCents\": 10}", "small"));
        }
    }

    @Test
    void xpath() throws Exception {
        try (Jms client = Jms.connect(port, "app", "app")) {
            client.sendText("lang.xml.in", "<order><customer>Grace</customer></order>");
            Message out = client.receive("lang.out", 10_000);
            assertThat(out).isNotNull();
            assertThat(out.getStringProperty("customer")).isEqualTo("Grace");
            assertThat(out.getStringProperty("channel")).isEqualTo("xml");
        }
    }
}
