package dev.caravan.deadletter;

import org.apache.activemq.artemis.jms.client.ActiveMQMessage;
import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.support.processor.DelegateAsyncProcessor;

/**
 * Wraps the route behind a {@code jms:} consumer: when an exchange fails (and so rolls back to the broker) it records
 * the failure in {@link RouteFailures}; when a message that failed before now succeeds, it forgets it.
 */
public final class RouteFailureRecorder extends DelegateAsyncProcessor {

    private final RouteFailures failures;

    public RouteFailureRecorder(Processor route, RouteFailures failures) {
        super(route);
        this.failures = failures;
    }

    @Override
    public boolean process(Exchange exchange, AsyncCallback callback) {
        // The received message, taken before the route may replace the exchange's message.
        jakarta.jms.Message received = exchange.getIn() instanceof JmsMessage jms ? jms.getJmsMessage() : null;
        if (!(received instanceof ActiveMQMessage artemis)) {
            return super.process(exchange, callback);
        }
        return super.process(exchange, doneSync -> {
            record(exchange, artemis);
            callback.done(doneSync);
        });
    }

    private void record(Exchange exchange, ActiveMQMessage received) {
        boolean failed = exchange.getException() != null || exchange.isRollbackOnly() || exchange.isRollbackOnlyLast();
        if (!failed) {
            if (!failures.isEmpty()) {
                failures.succeeded(received.getCoreMessage().getMessageID());
            }
            return;
        }
        long messageId = received.getCoreMessage().getMessageID();
        Integer redeliveries = exchange.getIn().getHeader(Exchange.REDELIVERY_COUNTER, Integer.class);
        failures.failed(messageId, exchange.getFromRouteId(), exchange.getException(),
                1 + (redeliveries == null ? 0 : redeliveries));
    }
}
