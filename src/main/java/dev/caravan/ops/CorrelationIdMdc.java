package dev.caravan.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import jakarta.jms.JMSException;
import jakarta.jms.Message;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.slf4j.MDC;

/**
 * Puts the message's correlation id into the logging context ({@code correlationId}) while a route works on it, beside
 * the {@code camel.routeId} and {@code camel.exchangeId} that Camel's MDC logging adds
 * ({@code camel.main.use-mdc-logging}). In JSON logs ({@code prod}) every line a route writes about a message can then
 * be found by the id a caller sent (the gateway's {@code X-Correlation-Id}, a JMS correlation id).
 * <p>
 * Read from the received JMS message itself rather than from Camel's {@code JMSCorrelationID} header: asking for any
 * header copies all of the message's properties into Camel's header map, which the forwarding of unchanged messages
 * avoids ({@code dev.caravan.broker.ForwardingJmsMessage}). The outermost route that finds an id sets it (replacing
 * whatever an earlier exchange left on the thread) and removes it when its exchange is done; Caravan's {@code jms:}
 * routes run each exchange on the consumer's thread.
 */
@ApplicationScoped
@Named("caravanCorrelationIdMdc")
public class CorrelationIdMdc implements RoutePolicyFactory {

    public static final String KEY = "correlationId";
    private static final String SET_BY = "CaravanCorrelationIdMdcRoute";

    @Override
    public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
        return new Policy();
    }

    static String correlationId(Exchange exchange) {
        if (exchange.getIn() instanceof JmsMessage jms) {
            Message message = jms.getJmsMessage();
            if (message != null) {
                try {
                    return message.getJMSCorrelationID();
                } catch (JMSException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static final class Policy extends RoutePolicySupport {

        @Override
        public void onExchangeBegin(Route route, Exchange exchange) {
            if (exchange.getProperty(SET_BY) != null) {
                return; // a route called from the route that set it
            }
            String id = correlationId(exchange);
            if (id != null) {
                MDC.put(KEY, id);
                exchange.setProperty(SET_BY, route.getRouteId());
            }
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            if (route.getRouteId().equals(exchange.getProperty(SET_BY))) {
                exchange.removeProperty(SET_BY);
                MDC.remove(KEY);
            }
        }
    }
}
