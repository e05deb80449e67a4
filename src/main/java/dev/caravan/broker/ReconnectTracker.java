package dev.caravan.broker;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.client.FailoverEventType;
import org.apache.activemq.artemis.jms.client.ActiveMQConnection;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * Which of Caravan's own broker connections are still reconnecting. A fresh login can succeed seconds before the
 * routes' long-lived connections have reconnected (they retry on a back-off), and until they have, a route or gateway
 * send on them waits for the failover timeout and then fails. Readiness and the gateway's broker check count these
 * connections so that "ready" means "a send goes through now", not only "the broker answers a login" (found by
 * {@code BrokerFaultIT}: ready, then a 503 from a send on a connection still in its back-off).
 * <p>
 * Artemis tells each connection's session factory's failover listeners when a failure is detected and when the reconnect completed; that
 * is all this uses.
 */
public final class ReconnectTracker {

    private final Set<ActiveMQConnection> reconnecting = ConcurrentHashMap.newKeySet();

    /** How many live connections are between a detected failure and a completed reconnect. */
    public int reconnecting() {
        // A connection closed while reconnecting (the pool dropped it) never reports completion: forget it.
        reconnecting.removeIf(c -> c.getSessionFactory() == null || c.getSessionFactory().isClosed());
        return reconnecting.size();
    }

    void watch(ActiveMQConnection connection) {
        // On the session factory, not ActiveMQConnection.setFailoverListener: that counts as a use of the connection,
        // after which setClientID (durable subscribers) is refused.
        connection.getSessionFactory().addFailoverListener(event -> {
            if (event == FailoverEventType.FAILURE_DETECTED) {
                reconnecting.add(connection);
            } else {
                // FAILOVER_COMPLETED: usable again; FAILOVER_FAILED: closed for good, the pool makes a new one.
                reconnecting.remove(connection);
            }
        });
    }

    /** A connection factory whose every connection reports to a tracker. */
    static final class TrackingConnectionFactory extends ActiveMQConnectionFactory {

        private static final long serialVersionUID = 1L;

        private final transient ReconnectTracker tracker;

        TrackingConnectionFactory(String url, String user, String password, ReconnectTracker tracker) {
            super(url, user, password);
            this.tracker = tracker;
        }

        @Override
        protected synchronized ActiveMQConnection createConnectionInternal(String username, String password,
                boolean isXA, int type) throws JMSException {
            ActiveMQConnection connection = super.createConnectionInternal(username, password, isXA, type);
            tracker.watch(connection);
            return connection;
        }
    }
}
