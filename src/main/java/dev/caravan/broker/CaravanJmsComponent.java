package dev.caravan.broker;

import java.util.Map;

import jakarta.jms.ConnectionFactory;

import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.jms.ConsumerType;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsComponent;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsConsumer;
import org.apache.camel.component.jms.JmsEndpoint;
import org.apache.camel.component.jms.JmsQueueEndpoint;
import org.apache.camel.component.jms.QueueBrowseStrategy;
import org.apache.camel.spi.annotations.Component;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

import dev.caravan.deadletter.RouteFailureRecorder;
import dev.caravan.deadletter.RouteFailures;

/**
 * The {@code jms} component as routes see it. Every endpoint shares a pooled connection factory, except a durable
 * subscriber with its own {@code clientId}: JMS allows one client id per connection, so such an endpoint gets its own
 * (unpooled) connection instead of claiming the shared one.
 * <p>
 * Queue and topic endpoints are Camel's, except that their consumers let an unchanged message be forwarded as received
 * instead of copied into a new JMS message ({@link ForwardingJmsMessage}), and an Artemis message's bytes body is read
 * without a detour ({@link CaravanJmsBinding}), and replies skip re-checking a known reply destination
 * ({@link ReplyDestinations}). The two endpoint classes repeat the same two overrides because Camel's
 * queue endpoint (browsable) and topic endpoint have different base classes.
 * <p>
 * The {@code @Component("jms")} annotation is repeated from {@link JmsComponent} because annotations are not inherited
 * and Camel finds a component's generated option configurers ({@code jms-component}, {@code jms-endpoint}) by that
 * name: without it, endpoint options were bound by reflection on the endpoint's own setters, and every option that
 * Camel's JMS endpoint keeps only in its configuration ({@code deliveryDelay}, {@code synchronous},
 * {@code consumerType}, {@code mapJmsMessage}, {@code artemisConsumerPriority}, ...) was refused as unknown.
 */
@Component("jms")
public class CaravanJmsComponent extends JmsComponent {

    private final ConnectionFactory dedicatedConnections;
    private final RouteFailures failures;
    private final ReplyDestinations replyDestinations = new ReplyDestinations();

    public CaravanJmsComponent(ConnectionFactory pooled, ConnectionFactory dedicatedConnections,
            RouteFailures failures) {
        this.dedicatedConnections = dedicatedConnections;
        this.failures = failures;
        setConnectionFactory(pooled);
    }

    /** Camel's configuration with Caravan's default listener container ({@link CaravanJmsConfiguration}). */
    @Override
    protected JmsConfiguration createConfiguration() {
        return new CaravanJmsConfiguration();
    }

    /** The route behind a consumer, with its failures recorded for the dead letters ({@link RouteFailureRecorder}). */
    Processor recorded(Processor route) {
        return new RouteFailureRecorder(route, failures);
    }

    /**
     * A route's consumer, with its listener sending replies (request-reply) through {@link ReplyDestinations}. Camel's
     * listener would create the same template on its first reply; here it is created up front, wrapped.
     */
    JmsConsumer withReplies(JmsConsumer consumer, JmsEndpoint endpoint) {
        consumer.getEndpointMessageListener().setTemplate(replyDestinations.replies(endpoint.createInOnlyTemplate()));
        return consumer;
    }

    /** Endpoint options Caravan adds to Camel's: batched commits ({@link BatchCommitListenerContainer}). */
    static final String BATCH_COUNT = "transactionBatchCount";
    static final String BATCH_TIMEOUT = "transactionBatchTimeout";

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        Object batchCount = parameters.remove(BATCH_COUNT);
        Object batchTimeout = parameters.remove(BATCH_TIMEOUT);
        Endpoint endpoint = super.createEndpoint(uri, remaining, parameters);
        if (batchCount != null || batchTimeout != null) {
            batchCommits((JmsEndpoint) endpoint, positive(BATCH_COUNT, batchCount, 100),
                    positive(BATCH_TIMEOUT, batchTimeout, 50));
        }
        if (endpoint instanceof JmsEndpoint jms && jms.getClientId() != null
                && jms.getConfiguration().getConnectionFactory() == getConfiguration().getConnectionFactory()) {
            jms.getConfiguration().setConnectionFactory(dedicatedConnections);
        }
        return endpoint;
    }

    @Override
    protected JmsEndpoint createQueueEndpoint(String uri, JmsComponent component, String subject,
            JmsConfiguration configuration, QueueBrowseStrategy queueBrowseStrategy) {
        return new QueueEndpoint(uri, this, subject, configuration, queueBrowseStrategy);
    }

    @Override
    protected JmsEndpoint createTopicEndpoint(String uri, JmsComponent component, String subject,
            JmsConfiguration configuration) {
        return new TopicEndpoint(uri, this, subject, configuration);
    }

    private static int positive(String name, Object value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            int parsed = Integer.parseInt(value.toString().trim());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a positive whole number, not '" + value + "'");
    }

    /**
     * Commits every {@code count} messages or {@code timeoutMillis}, through Camel's hook for a custom listener container
     * (which Camel then configures like its default one). Queue consumers and topic subscribers alike: a durable
     * subscription is a queue on the broker, and the same promise holds (acknowledged only with its output).
     */
    private static void batchCommits(JmsEndpoint endpoint, int count, int timeoutMillis) {
        if (!endpoint.isTransacted()) {
            throw new IllegalArgumentException(
                    BATCH_COUNT + " needs a transacted consumer: " + endpoint.getEndpointUri());
        }
        endpoint.getConfiguration().setConsumerType(ConsumerType.Custom);
        endpoint.getConfiguration().setMessageListenerContainerFactory(
                consumer -> new BatchCommitListenerContainer(consumer, count, timeoutMillis));
    }

    /**
     * A queue endpoint whose consumers forward unchanged messages ({@link ForwardingJmsMessage}) and may commit in
     * batches ({@link BatchCommitListenerContainer}).
     */
    static final class QueueEndpoint extends JmsQueueEndpoint {
        QueueEndpoint(String uri, CaravanJmsComponent component, String destination, JmsConfiguration configuration,
                QueueBrowseStrategy queueBrowseStrategy) {
            super(uri, component, destination, configuration, queueBrowseStrategy);
        }

        @Override
        public JmsConsumer createConsumer(Processor route, AbstractMessageListenerContainer container)
                throws Exception {
            CaravanJmsComponent component = (CaravanJmsComponent) getComponent();
            Processor processor = component.recorded(route);
            if (!ForwardingJmsConsumer.appliesTo(this)) {
                return component.withReplies(super.createConsumer(processor, container), this);
            }
            return component.withReplies(
                    ForwardingJmsConsumer.create(this, processor, container, this::configureConsumer), this);
        }

        @Override
        protected JmsBinding createBinding() {
            return new CaravanJmsBinding(this);
        }
    }

    /**
     * A topic endpoint whose consumers forward unchanged messages ({@link ForwardingJmsMessage}) and may commit in
     * batches ({@link BatchCommitListenerContainer}).
     */
    static final class TopicEndpoint extends JmsEndpoint {
        TopicEndpoint(String uri, CaravanJmsComponent component, String destination,
                JmsConfiguration configuration) {
            super(uri, component, destination, true, configuration);
        }

        @Override
        public JmsConsumer createConsumer(Processor route, AbstractMessageListenerContainer container)
                throws Exception {
            CaravanJmsComponent component = (CaravanJmsComponent) getComponent();
            Processor processor = component.recorded(route);
            if (!ForwardingJmsConsumer.appliesTo(this)) {
                return component.withReplies(super.createConsumer(processor, container), this);
            }
            return component.withReplies(
                    ForwardingJmsConsumer.create(this, processor, container, this::configureConsumer), this);
        }

        @Override
        protected JmsBinding createBinding() {
            return new CaravanJmsBinding(this);
        }
    }
}
