package dev.caravan.transform;

import java.util.Map;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * {@code transformer:<name>}: a route step that applies the transformer in {@code transformers/<name>/} to the message
 * body and sets {@code Content-Type} to its output type. A body it cannot transform fails the exchange with a
 * {@link TransformException} naming the transformer and the reason, so the message ends in its DLQ with that cause.
 * Where an earlier step (a JSONPath predicate) already parsed the body ({@link ParsedJson}), a transformer that can
 * take the parsed document does, instead of parsing the text again.
 */
public class TransformerComponent extends DefaultComponent {

    private final TransformerRegistry registry;

    public TransformerComponent(TransformerRegistry registry) {
        this.registry = registry;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        // Fail at route start, with the file name, rather than on the first message.
        registry.get(remaining);
        return new TransformerEndpoint(uri, this, remaining);
    }

    private final class TransformerEndpoint extends DefaultEndpoint {

        private final String name;

        TransformerEndpoint(String uri, TransformerComponent component, String name) {
            super(uri, component);
            this.name = name;
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) throws Exception {
                    Transformer transformer = registry.get(name);
                    Object parsed = ParsedJson.cached(exchange);
                    String output = parsed == null ? null : transformer.applyParsed(parsed);
                    if (output == null) {
                        output = transformer.apply(exchange.getMessage().getMandatoryBody(String.class));
                    }
                    exchange.getMessage().setBody(output);
                    exchange.getMessage().setHeader("Content-Type", transformer.outputContentType());
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("transformer: is a route step (to:), not a source (from:)");
        }
    }
}
