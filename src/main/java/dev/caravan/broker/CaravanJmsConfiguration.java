package dev.caravan.broker;

import jakarta.jms.Session;

import org.apache.camel.component.jms.ConsumerType;
import org.apache.camel.component.jms.DefaultJmsMessageListenerContainer;
import org.apache.camel.component.jms.JmsConfiguration;
import org.apache.camel.component.jms.JmsEndpoint;
import org.springframework.jms.listener.AbstractMessageListenerContainer;

/**
 * Camel's JMS configuration, whose default listener container does not commit when a receive returned nothing.
 * <p>
 * Spring's polling container commits a transacted session after every receive that timed out empty ("to reset the
 * transaction timeout", which local JMS transactions do not have). With the Artemis client a commit is a blocking round
 * trip to the broker, so every idle transacted consumer made one every receive timeout: 4 a second per consumer with
 * Caravan's 250 ms, 32 a second for a route with 8 consumers, on an idle bus (JFR: 2,300 such commits, ≈ 1.5 ms each,
 * in one minute of the benchmark's request-reply run). Nothing is lost by skipping them: a receive that returned
 * nothing leaves nothing to commit. The batched container ({@link BatchCommitListenerContainer}) keeps its own rule.
 */
final class CaravanJmsConfiguration extends JmsConfiguration {

    @Override
    public AbstractMessageListenerContainer chooseMessageListenerContainerImplementation(JmsEndpoint endpoint,
            ConsumerType type) {
        return type == ConsumerType.Default
                ? new QuietWhenIdleContainer(endpoint)
                : super.chooseMessageListenerContainerImplementation(endpoint, type);
    }

    /** Camel's default listener container, without the commit after an empty receive. */
    static final class QuietWhenIdleContainer extends DefaultJmsMessageListenerContainer {
        QuietWhenIdleContainer(JmsEndpoint endpoint) {
            super(endpoint);
        }

        @Override
        protected boolean shouldCommitAfterNoMessageReceived(Session session) {
            return false;
        }
    }
}
