package dev.caravan.broker;

import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsHeaderFilterStrategy;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

/**
 * A {@code jms:} consumer whose exchanges carry a {@link ForwardingJmsMessage}: Camel's listener fills it in place of
 * the {@code JmsMessage} it would create, so an unchanged message is forwarded rather than copied.
 */
final class ForwardingJmsConsumer extends JmsConsumer {

    private ForwardingJmsConsumer(JmsEndpoint endpoint, Processor processor,
            AbstractMessageListenerContainer listenerContainer) {
        super(endpoint, processor, listenerContainer);
    }

    /**
     * Forwarding is exact only with Camel's default JMS header filter (it drops {@code Camel*} headers both ways) and
     * mapped JMS messages; any other endpoint keeps Camel's own message.
     */
    static boolean appliesTo(JmsEndpoint endpoint) {
        return endpoint.getHeaderFilterStrategy() != null
                && endpoint.getHeaderFilterStrategy().getClass() == JmsHeaderFilterStrategy.class
                && endpoint.getConfiguration().isMapJmsMessage();
    }

    /**
     * What {@code JmsEndpoint.createConsumer(Processor, AbstractMessageListenerContainer)} does, with this consumer
     * class; {@code configureConsumer} is the endpoint's (protected) own step, passed in.
     */
    static JmsConsumer create(JmsEndpoint endpoint, Processor processor, AbstractMessageListenerContainer container,
            ConsumerConfigurer configurer) throws Exception {
        JmsConsumer consumer = new ForwardingJmsConsumer(endpoint, processor, container);
        endpoint.configureListenerContainer(container, consumer);
        configurer.configure(consumer);
        if (endpoint.isBridgeErrorHandler()) {
            throw new IllegalArgumentException("BridgeErrorHandler is not support on JMS endpoint");
        }
        String replyTo = endpoint.getReplyTo();
        if (replyTo != null && endpoint.getDestinationName().equals(replyTo)) {
            throw new IllegalArgumentException("Invalid Endpoint configuration: " + endpoint
                    + ". ReplyTo=" + replyTo + " cannot be the same as the destination name on the JmsConsumer as"
                    + " that would lead to a consumer and producer using the same destination name.");
        }
        return consumer;
    }

    @Override
    public Exchange createExchange(boolean autoRelease) {
        Exchange exchange = super.createExchange(autoRelease);
        exchange.setIn(new ForwardingJmsMessage(exchange, getEndpoint().getBinding()));
        return exchange;
    }

    @FunctionalInterface
    interface ConsumerConfigurer {
        void configure(JmsConsumer consumer) throws Exception;
    }
}
