package dev.caravan.broker;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

import org.apache.camel.component.jms.DefaultJmsMessageListenerContainer;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * Opt-in batched acknowledgement for {@code jms:} consumers ({@code transactionBatchCount} /
 * {@code transactionBatchTimeout} on the endpoint): each consumer's local transaction is committed every N messages
 * or T milliseconds, whichever comes first, instead of after every message.
 * <p>
 * What stays true: a message is acknowledged only in the commit that also makes the route's output for it durable
 * (receive and sends share the consumer's session), so nothing is acknowledged before its output is; a crash rolls
 * the open batch back and the broker redelivers it (at-least-once, as for per-message commits). A failing message rolls
 * back its whole batch; the consumer then commits message by message for one batch's worth, so the failure is retried
 * and, if it persists, dead-lettered alone, and its neighbours are not charged extra delivery attempts.
 * <p>
 * Spring's listener container commits after every message and has no batching, hence this subclass; it changes only
 * when {@code commitIfNecessary} commits.
 */
final class BatchCommitListenerContainer extends DefaultJmsMessageListenerContainer {

    private final int count;
    private final long timeoutNanos;
    /** Each consumer thread has its own session (CACHE_CONSUMER), so each keeps its own batch. */
    private final ThreadLocal<Batch> batches = ThreadLocal.withInitial(Batch::new);

    private static final class Batch {
        int pending;
        long startedNanos;
        int oneByOne;
    }

    BatchCommitListenerContainer(JmsEndpoint endpoint, int count, long timeoutMillis) {
        super(endpoint, endpoint.isAllowReplyManagerQuickStop());
        this.count = count;
        this.timeoutNanos = timeoutMillis * 1_000_000;
    }

    /**
     * An idle consumer commits its open batch when a receive returns nothing and the batch has reached its timeout:
     * the receive wait is kept within that timeout.
     */
    @Override
    public void setReceiveTimeout(long receiveTimeout) {
        super.setReceiveTimeout(Math.max(1, Math.min(receiveTimeout, timeoutNanos / 1_000_000)));
    }

    @Override
    protected void commitIfNecessary(Session session, Message message) throws JMSException {
        Batch batch = batches.get();
        if (message == null) {
            // A receive timed out: commit what is open once the batch is old enough.
            if (batch.pending > 0 && System.nanoTime() - batch.startedNanos >= timeoutNanos) {
                commit(session, null, batch);
            }
            return;
        }
        if (batch.pending++ == 0) {
            batch.startedNanos = System.nanoTime();
        }
        if (batch.oneByOne > 0) {
            batch.oneByOne--;
            commit(session, message, batch);
        } else if (batch.pending >= count || System.nanoTime() - batch.startedNanos >= timeoutNanos) {
            commit(session, message, batch);
        }
    }

    @Override
    protected boolean shouldCommitAfterNoMessageReceived(Session session) {
        return batches.get().pending > 0;
    }

    @Override
    protected void rollbackOnExceptionIfNecessary(Session session, Throwable ex) throws JMSException {
        Batch batch = batches.get();
        super.rollbackOnExceptionIfNecessary(session, ex);
        batch.pending = 0;
        // The rolled-back messages come again: take them one by one, so a poison message fails alone.
        batch.oneByOne = count;
    }

    private void commit(Session session, Message message, Batch batch) throws JMSException {
        super.commitIfNecessary(session, message);
        batch.pending = 0;
    }
}
