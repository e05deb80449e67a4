package dev.caravan.broker;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import jakarta.jms.Connection;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.core.paging.PagingManager;
import org.apache.activemq.artemis.core.paging.PagingStore;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.settings.impl.AddressFullMessagePolicy;

/**
 * Whether the broker is there now. Embedded: whether it is active. External: one fresh login (no reconnecting), because
 * the routes' pooled connection keeps reconnecting forever and, meanwhile, a send on it blocks until the broker is back;
 * and none of Caravan's own connections still reconnecting ({@link ReconnectTracker}), because until they are back a
 * send on them waits and fails even though the broker answers.
 * <p>
 * Readiness asks for a fresh answer each time. The HTTP gateway asks before every send and gets an answer at most a
 * second old — one request at a time refreshes it, the others use the last one — so while the broker is away callers
 * get a 503 at once instead of a request that hangs until the broker returns.
 */
@Singleton
public class BrokerAvailability {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Inject
    BrokerConfig config;

    @Inject
    EmbeddedBroker embedded;

    @Inject
    JmsWiring jms;

    private volatile boolean up = true;
    private volatile long checkedAt = System.nanoTime() - REFRESH_NANOS;
    private volatile String lastError;
    private final AtomicBoolean refreshing = new AtomicBoolean();

    /** A recent answer (at most about a second old); cheap enough to ask per request. */
    public boolean isUp(Duration timeout) {
        if (config.embedded()) {
            return embedded.isActive();
        }
        if (System.nanoTime() - checkedAt > REFRESH_NANOS && refreshing.compareAndSet(false, true)) {
            try {
                check(timeout);
            } finally {
                refreshing.set(false);
            }
        }
        return up;
    }

    /** A fresh answer: logs in to the broker now. */
    public boolean check(Duration timeout) {
        if (config.embedded()) {
            return embedded.isActive();
        }
        boolean answer;
        try (Connection connection = jms.probeConnection(timeout)) {
            connection.getMetaData();
            int reconnecting = jms.reconnecting();
            answer = reconnecting == 0;
            lastError = answer
                    ? null
                    : "the broker answers; " + reconnecting + " of Caravan's connections to it are still reconnecting";
        } catch (Exception e) {
            answer = false;
            lastError = String.valueOf(e.getMessage());
        }
        up = answer;
        checkedAt = System.nanoTime();
        return answer;
    }

    /**
     * Why the embedded broker would make a producer of this address wait right now, or null when it would not: the
     * disk is at {@code caravan.broker.max-disk-usage}, or the address is full under a BLOCK policy. Paging to disk
     * is not saturation: that is what keeps memory bounded while producers go on. External broker: null (its limits
     * show as a refused or timed-out send).
     */
    public String saturation(String address) {
        ActiveMQServer server = config.embedded() ? embedded.server() : null;
        if (server == null || server.getPagingManager() == null) {
            return null;
        }
        PagingManager paging = server.getPagingManager();
        if (paging.isDiskFull()) {
            return "the broker's disk is full";
        }
        try {
            PagingStore store = paging.getPageStore(SimpleString.of(address));
            if (store != null && store.getAddressFullMessagePolicy() == AddressFullMessagePolicy.BLOCK
                    && store.isFull()) {
                return "address " + address + " is full";
            }
        } catch (Exception e) {
            return null; // no such address yet: nothing waits on it
        }
        return null;
    }

    /** Why the last check failed, or null. */
    public String lastError() {
        return lastError;
    }
}
