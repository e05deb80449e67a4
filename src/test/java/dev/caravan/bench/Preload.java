package dev.caravan.bench;

import java.util.function.IntFunction;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/** Fills a scenario's input before it is timed: persistent bytes messages, committed 500 at a time. */
final class Preload {

    private Preload() {
    }

    /** Sends {@code messages} to queue (or topic) {@code name}; {@code body} gives the body of message 1, 2, ... */
    static void send(ConnectionFactory factory, boolean topic, String name, int messages, IntFunction<byte[]> body)
            throws Exception {
        try (Connection connection = factory.createConnection();
                Session session = connection.createSession(true, Session.SESSION_TRANSACTED);
                MessageProducer producer = session.createProducer(
                        topic ? session.createTopic(name) : session.createQueue(name))) {
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            for (int i = 1; i <= messages; i++) {
                BytesMessage message = session.createBytesMessage();
                message.writeBytes(body.apply(i));
                producer.send(message);
                if (i % 500 == 0) {
                    session.commit();
                }
            }
            session.commit();
        }
    }
}
