package dev.caravan.history;

import jakarta.jms.JMSException;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.support.EventNotifierSupport;
import org.apache.camel.util.URISupport;

/**
 * Feeds {@link MessageHistory} from Camel's exchange events: a route received a message (from where), sent it (to
 * where, how long it took), and how the attempt ended. Sends by the HTTP gateway have no route and show as
 * {@code gateway}. Only messages that carry a correlation id are followed (the gateway always gives one): looking up
 * a header is the whole cost for the others.
 */
public class MessageHistoryNotifier extends EventNotifierSupport {

    /** The JMS correlation id as Camel's JMS, Kafka and HTTP components name it. */
    static final String JMS_CORRELATION_ID = "JMSCorrelationID";
    static final String HTTP_CORRELATION_ID = "X-Correlation-Id";
    private static final String PROPERTY = "CaravanCorrelationId";
    private static final int MAX_DETAIL = 300;
    /** Most endpoint URIs whose shown form is remembered; dynamic endpoints beyond it are worked out each time. */
    static final int MAX_REMEMBERED_ENDPOINTS = 1_000;

    /**
     * An endpoint's shown form by its URI. Working it out (Camel's credential masking is a set of regular expressions)
     * measured as ≈ 13 % of a request-reply responder route's CPU (JFR, benchmark (g)) when done per event.
     */
    private final java.util.Map<String, String> shownEndpoints = new java.util.concurrent.ConcurrentHashMap<>();

    private final MessageHistory history;

    public MessageHistoryNotifier(MessageHistory history) {
        this.history = history;
        setIgnoreCamelContextEvents(true);
        setIgnoreCamelContextInitEvents(true);
        setIgnoreRouteEvents(true);
        setIgnoreServiceEvents(true);
        setIgnoreStepEvents(true);
        setIgnoreExchangeSendingEvents(true);
        setIgnoreExchangeRedeliveryEvents(true);
        setIgnoreExchangeAsyncProcessingStartedEvents(true);
    }

    @Override
    public void notify(CamelEvent event) {
        if (!(event instanceof CamelEvent.ExchangeEvent exchangeEvent)) {
            return;
        }
        Exchange exchange = exchangeEvent.getExchange();
        String correlationId = correlationId(exchange);
        if (correlationId == null) {
            return;
        }
        String route = exchange.getFromRouteId() == null ? "gateway" : exchange.getFromRouteId();
        if (event instanceof CamelEvent.ExchangeSentEvent sent) {
            Exception failure = exchange.getException();
            history.record(correlationId, java.time.Instant.now().minusMillis(sent.getTimeTaken()),
                    failure == null ? "sent" : "send-failed", route, destination(sent), sent.getTimeTaken(),
                    failure(failure));
        } else if (event instanceof CamelEvent.ExchangeCreatedEvent && exchange.getFromRouteId() != null) {
            history.record(correlationId, "received", route, endpoint(exchange.getFromEndpoint()), null, null);
        } else if (event instanceof CamelEvent.ExchangeFailedEvent) {
            history.record(correlationId, "failed", route, null, null, failure(exchange.getException()));
        } else if (event instanceof CamelEvent.ExchangeCompletedEvent && exchange.getFromRouteId() != null) {
            history.record(correlationId, "completed", route, null, null, null);
        }
    }

    private static String correlationId(Exchange exchange) {
        String known = exchange.getProperty(PROPERTY, String.class);
        if (known != null) {
            return known;
        }
        Object value;
        if (exchange.getMessage() instanceof JmsMessage jms && jms.getJmsMessage() != null) {
            // From the JMS message itself: asking the Camel message would copy every JMS property into headers, which
            // a route that forwards messages unchanged otherwise never does (ForwardingJmsMessage).
            try {
                value = jms.getJmsMessage().getJMSCorrelationID();
            } catch (JMSException e) {
                value = null;
            }
        } else {
            value = exchange.getMessage().getHeader(JMS_CORRELATION_ID);
            if (value == null) {
                value = exchange.getMessage().getHeader(HTTP_CORRELATION_ID);
            }
        }
        String id = value instanceof byte[] bytes
                ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8) // Kafka headers arrive as bytes
                : value == null ? null : value.toString();
        if (id != null) {
            exchange.setProperty(PROPERTY, id);
        }
        return id;
    }

    /** Where a send went: a sender that names the destination in a header (the gateway) says so in a property. */
    private String destination(CamelEvent.ExchangeSentEvent sent) {
        String named = sent.getExchange().getProperty(MessageHistory.SENT_TO, String.class);
        return named != null ? named : endpoint(sent.getEndpoint());
    }

    private String endpoint(org.apache.camel.Endpoint endpoint) {
        if (endpoint == null) {
            return null;
        }
        String uri = endpoint.getEndpointUri();
        String shown = shownEndpoints.get(uri);
        if (shown == null) {
            shown = shown(uri);
            if (shownEndpoints.size() < MAX_REMEMBERED_ENDPOINTS) {
                shownEndpoints.put(uri, shown);
            }
        }
        return shown;
    }

    /** Without its options: they may hold credentials, and the destination is what an operator asks about. */
    static String shown(String endpointUri) {
        return URISupport.stripQuery(URISupport.sanitizeUri(endpointUri));
    }

    private static String failure(Throwable failure) {
        if (failure == null) {
            return null;
        }
        String text = failure.getClass().getName() + ": " + failure.getMessage();
        return text.length() > MAX_DETAIL ? text.substring(0, MAX_DETAIL) + "…" : text;
    }
}
