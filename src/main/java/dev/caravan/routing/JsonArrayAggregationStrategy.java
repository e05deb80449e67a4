package dev.caravan.routing;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;

/**
 * Aggregates JSON message bodies into one JSON array, kept in the message body as text while the batch fills.
 * <p>
 * Why not Camel's grouped strategies: they keep the growing list in an exchange property, which a persistent
 * aggregation repository (JDBC) does not store, so every restored batch would hold only its last element. A body of
 * text is stored as it is. Bodies must each be one JSON value (routes normalise them first, e.g. unmarshal + marshal).
 */
public class JsonArrayAggregationStrategy implements AggregationStrategy {

    @Override
    public Exchange aggregate(Exchange batch, Exchange next) {
        String element = next.getMessage().getBody(String.class);
        if (batch == null) {
            next.getMessage().setBody("[" + element + "]");
            return next;
        }
        String array = batch.getMessage().getBody(String.class);
        batch.getMessage().setBody(array.substring(0, array.length() - 1) + "," + element + "]");
        return batch;
    }
}
