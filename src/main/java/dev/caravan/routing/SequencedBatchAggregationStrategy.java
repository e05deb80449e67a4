package dev.caravan.routing;

import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A batch resequencer's memory, kept in the message body as JSON text: an array of {@code {"seq": n, "body": "..."}}
 * sorted by the {@code Seq} header, so the batch can live in a persistent (JDBC) aggregation repository and be split
 * back into messages in order when it completes.
 * <p>
 * Why not Camel's resequencer: it holds waiting messages in memory only, after the broker has been told they were
 * consumed, so a crash would lose them. Aggregated through a JDBC repository, a waiting message is in the database
 * before it is acknowledged.
 */
public class SequencedBatchAggregationStrategy implements AggregationStrategy {

    /** The header carrying each message's position in its stream. */
    public static final String SEQUENCE_HEADER = "Seq";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Exchange aggregate(Exchange batch, Exchange next) {
        long seq = sequenceOf(next);
        String body;
        try {
            body = next.getMessage().getMandatoryBody(String.class);
        } catch (InvalidPayloadException e) {
            throw new IllegalArgumentException("a resequenced message needs a body", e);
        }
        ArrayNode entries = batch == null ? JSON.createArrayNode() : read(batch.getMessage().getBody(String.class));
        ObjectNode entry = JSON.createObjectNode().put("seq", seq).put("body", body);
        int at = entries.size();
        while (at > 0 && entries.get(at - 1).get("seq").asLong() > seq) {
            at--;
        }
        entries.insert(at, entry);
        Exchange target = batch == null ? next : batch;
        target.getMessage().setBody(entries.toString());
        return target;
    }

    private static long sequenceOf(Exchange exchange) {
        Long seq = exchange.getMessage().getHeader(SEQUENCE_HEADER, Long.class);
        if (seq == null) {
            throw new IllegalArgumentException("message without a numeric " + SEQUENCE_HEADER + " header");
        }
        return seq;
    }

    private static ArrayNode read(String json) {
        try {
            return (ArrayNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
