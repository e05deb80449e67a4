package dev.caravan.testing;

import java.util.ArrayList;
import java.util.List;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;

import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/** A plain Artemis core JMS client over TCP, as an outside system would connect. */
public final class Jms implements AutoCloseable {

    private final Connection connection;
    private final Session session;

    public Jms(ConnectionFactory factory) throws JMSException {
        this.connection = factory.createConnection();
        this.connection.start();
        this.session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
    }

    public static ActiveMQConnectionFactory core(int port, String user, String password) {
        return new ActiveMQConnectionFactory("tcp://127.0.0.1:" + port + "?reconnectAttempts=0", user, password);
    }

    public static Jms connect(int port, String user, String password) throws JMSException {
        return new Jms(core(port, user, password));
    }

    public Session session() {
        return session;
    }

    public void sendText(String queue, String text, String... properties) throws JMSException {
        send(session.createQueue(queue), text, properties);
    }

    public void publishText(String topic, String text, String... properties) throws JMSException {
        send(session.createTopic(topic), text, properties);
    }

    private void send(jakarta.jms.Destination destination, String text, String... properties) throws JMSException {
        try (MessageProducer producer = session.createProducer(destination)) {
            TextMessage message = session.createTextMessage(text);
            for (int i = 0; i + 1 < properties.length; i += 2) {
                message.setStringProperty(properties[i], properties[i + 1]);
            }
            producer.send(message);
        }
    }

    /** Receives one message, waiting at most {@code millis}; null if none came. */
    public Message receive(String queue, long millis) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            return consumer.receive(millis);
        }
    }

    /** Receives exactly {@code count} messages, each within {@code millis}; fails listing what did arrive. */
    public List<Message> receive(String queue, int count, long millis) throws JMSException {
        List<Message> messages = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            while (messages.size() < count) {
                Message message = consumer.receive(millis);
                if (message == null) {
                    throw new AssertionError("expected " + count + " messages on " + queue + ", got "
                            + messages.size());
                }
                messages.add(message);
            }
        }
        return messages;
    }

    /**
     * The first message on {@code queue} whose string property {@code property} is {@code value}, consuming messages
     * that other tests left on the same queue on the way; fails, listing them, if none comes within {@code millis} of
     * the last one.
     */
    public Message receiveWith(String queue, String property, String value, long millis) throws JMSException {
        List<String> others = new ArrayList<>();
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(queue))) {
            for (int i = 0; i < 100; i++) {
                Message message = consumer.receive(millis);
                if (message == null) {
                    break;
                }
                if (value.equals(message.getStringProperty(property))) {
                    return message;
                }
                others.add(String.valueOf(message.getStringProperty(property)));
            }
        }
        throw new AssertionError("no message on " + queue + " with " + property + "=" + value + " (others: " + others
                + ")");
    }

    public static String text(Message message) {
        try {
            return message.getBody(String.class);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws JMSException {
        connection.close();
    }
}
