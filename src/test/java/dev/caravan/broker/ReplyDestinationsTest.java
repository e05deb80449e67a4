package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;

import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Queue;

import org.apache.activemq.artemis.jms.client.ActiveMQDestination;
import org.apache.activemq.artemis.jms.client.ActiveMQQueue;
import org.junit.jupiter.api.Test;
import org.springframework.jms.core.JmsOperations;
import org.springframework.jms.core.MessageCreator;

/** The reply-destination cache on its own; the request-reply round trips through it are in GatewayTest and others. */
class ReplyDestinationsTest {

    private final ReplyDestinations replies = new ReplyDestinations();

    @Test
    void laterRepliesToTheSameNameGetTheFirstObjectSoTheBrokerCheckIsPaidOnce() {
        ActiveMQQueue first = ActiveMQDestination.createQueue("caravan.replies.a");
        ActiveMQQueue second = ActiveMQDestination.createQueue("caravan.replies.a");

        assertThat(replies.canonical(first)).isSameAs(first);
        first.setCreated(true); // what the client's first send does once the broker confirmed the address
        assertThat(replies.canonical(second)).isSameAs(first);
    }

    @Test
    void queueTopicAndTemporaryDestinationsOfOneNameAreKeptApart() {
        ActiveMQDestination queue = ActiveMQDestination.createQueue("orders");
        ActiveMQDestination topic = ActiveMQDestination.createTopic("orders");
        ActiveMQDestination temporary = ActiveMQDestination.createTemporaryQueue("orders");

        assertThat(replies.canonical(queue)).isSameAs(queue);
        assertThat(replies.canonical(topic)).isSameAs(topic);
        assertThat(replies.canonical(temporary)).isSameAs(temporary);
        assertThat(replies.size()).isEqualTo(3);
    }

    @Test
    void checkedAndForeignDestinationsPassThroughUnremembered() {
        ActiveMQQueue checked = ActiveMQDestination.createQueue("checked");
        checked.setCreated(true);
        Queue foreign = () -> "foreign";

        assertThat(replies.canonical(checked)).isSameAs(checked);
        assertThat(replies.canonical(foreign)).isSameAs(foreign);
        assertThat(replies.size()).isZero();
    }

    @Test
    void atMostCapacityNamesAreRemembered() {
        for (int i = 0; i < ReplyDestinations.CAPACITY + 50; i++) {
            replies.canonical(ActiveMQDestination.createTemporaryQueue("temp-" + i));
        }

        assertThat(replies.size()).isEqualTo(ReplyDestinations.CAPACITY);
    }

    @Test
    void theWrappedTemplateSendsRepliesToTheRememberedObjectAndLeavesOtherCallsAlone() throws Exception {
        List<Object> sentTo = new ArrayList<>();
        JmsOperations template = recording(sentTo);
        JmsOperations wrapped = replies.replies(template);
        ActiveMQQueue first = ActiveMQDestination.createQueue("caravan.replies.b");
        MessageCreator creator = session -> null;

        wrapped.send(first, creator);
        wrapped.send(ActiveMQDestination.createQueue("caravan.replies.b"), creator);
        wrapped.send("by.name", creator);

        assertThat(sentTo).hasSize(3);
        assertThat(sentTo.get(0)).isSameAs(first);
        assertThat(sentTo.get(1)).isSameAs(first);
        assertThat(sentTo.get(2)).isEqualTo("by.name");
    }

    @Test
    void theWrappedTemplateThrowsWhatTheTemplateThrows() {
        JmsOperations failing = (JmsOperations) java.lang.reflect.Proxy.newProxyInstance(
                JmsOperations.class.getClassLoader(), new Class<?>[]{JmsOperations.class}, (p, m, a) -> {
                    throw new org.springframework.jms.UncategorizedJmsException(new JMSException("broker said no"));
                });

        assertThatThrownBy(() -> replies.replies(failing).send(ActiveMQDestination.createQueue("q"), s -> null))
                .isInstanceOf(org.springframework.jms.UncategorizedJmsException.class)
                .hasRootCauseMessage("broker said no");
    }

    /** A template that records where each {@code send} went. */
    private static JmsOperations recording(List<Object> sentTo) {
        return (JmsOperations) java.lang.reflect.Proxy.newProxyInstance(JmsOperations.class.getClassLoader(),
                new Class<?>[]{JmsOperations.class}, (p, method, args) -> {
                    if (method.getName().equals("send") && args != null && args.length == 2
                            && (args[0] instanceof Destination || args[0] instanceof String)) {
                        sentTo.add(args[0]);
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
