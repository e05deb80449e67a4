package dev.caravan.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.DeliveryMode;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;

/**
 * Hand-written JMS, the baseline the Caravan routes are measured against: {@code threads} threads on one connection,
 * each with its own transacted session, receiving a message, handling it (sending what it makes) and committing — one
 * commit per message, as a Caravan route does without batched acknowledgement. Used for (b) and for the hand-written
 * twins of (d) and (e), so that every baseline is the same code.
 */
final class PlainBridge implements AutoCloseable {

    /** Opens the thread's consumer on its session: a queue, or a shared durable subscription. */
    @FunctionalInterface
    interface Source {
        MessageConsumer open(Session session) throws JMSException;
    }

    /** Handles one received message inside the session's transaction. */
    @FunctionalInterface
    interface Handler {
        void handle(Message message) throws Exception;
    }

    /** Builds the thread's handler on its session, e.g. with the producers it sends through. */
    @FunctionalInterface
    interface HandlerFactory {
        Handler create(Session session) throws JMSException;
    }

    private final Connection connection;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long startedNanos;

    private PlainBridge(ConnectionFactory factory, int threads, String name, Source source, HandlerFactory handlers)
            throws JMSException {
        connection = factory.createConnection();
        connection.start();
        startedNanos = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread thread = new Thread(() -> run(source, handlers), name + "-" + i);
            thread.start();
            this.threads.add(thread);
        }
    }

    static PlainBridge start(ConnectionFactory factory, int threads, String name, Source source,
            HandlerFactory handlers) throws JMSException {
        return new PlainBridge(factory, threads, name, source, handlers);
    }

    /** A producer to {@code queue} on the session, sending persistent messages (explicitly, whatever the default). */
    static MessageProducer persistentProducer(Session session, String queue) throws JMSException {
        MessageProducer producer = session.createProducer(session.createQueue(queue));
        producer.setDeliveryMode(DeliveryMode.PERSISTENT);
        return producer;
    }

    /** When the bridge's connection was started, just before its threads: the start of its timing. */
    long startedNanos() {
        return startedNanos;
    }

    private void run(Source source, HandlerFactory handlers) {
        try (Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            MessageConsumer consumer = source.open(session);
            Handler handler = handlers.create(session);
            while (running.get()) {
                Message message = consumer.receive(100);
                if (message != null) {
                    handler.handle(message);
                    session.commit();
                }
            }
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    /** Stops the threads and the connection; a thread that failed fails the round. */
    @Override
    public void close() throws Exception {
        running.set(false);
        for (Thread thread : threads) {
            thread.join(10_000);
        }
        connection.close();
        if (failure.get() != null) {
            throw new IllegalStateException("a hand-written bridge thread failed", failure.get());
        }
    }
}
