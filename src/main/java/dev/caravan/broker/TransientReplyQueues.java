package dev.caravan.broker;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.apache.activemq.artemis.core.server.plugin.ActiveMQServerQueuePlugin;

/**
 * Keeps the gateway's reply queues ({@code caravan.replies.<instance id>}) in memory. A reply is only of use to the
 * HTTP caller waiting for it in this Caravan's memory: after a crash of Caravan (which takes the embedded broker with
 * it) that caller is gone and the next start reads replies from a queue of a new name. Yet the JMS client creates every
 * queue it consumes from as a durable one, so each reply, sent persistent by its responder as JMS' default, was
 * written to the journal and, once the reply manager had taken it, deleted from it again. That delete is written
 * without a sync, and after such a write Artemis' journal timer spins ({@code Thread.yield}) until the journal's
 * buffer timeout has passed: per request-reply, a journal record, a delete and up to 0.3 ms of a core spent spinning.
 * <p>
 * Artemis has no address setting for the durability of a queue the client creates, hence this plugin: it marks those
 * queues non-durable when the broker creates them. Durable messages routed to a non-durable queue are kept in memory
 * only; nothing else about the queue changes (security, auto-delete, paging under memory pressure).
 */
public final class TransientReplyQueues implements ActiveMQServerQueuePlugin {

    /**
     * The prefix of the gateway's reply queues, which the gateway names its queue with; broker.xml's address and
     * security settings match the same.
     */
    public static final String PREFIX = "caravan.replies.";

    @Override
    public void beforeCreateQueue(QueueConfiguration queue) {
        if (queue.getName() != null && queue.getName().toString().startsWith(PREFIX)) {
            queue.setDurable(false);
        }
    }
}
