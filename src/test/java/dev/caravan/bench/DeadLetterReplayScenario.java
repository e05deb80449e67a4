package dev.caravan.bench;

import java.time.Duration;

import org.apache.activemq.artemis.api.core.SimpleString;
import org.apache.activemq.artemis.api.core.management.QueueControl;
import org.apache.activemq.artemis.api.core.management.ResourceNames;
import org.apache.activemq.artemis.core.server.ActiveMQServer;
import org.apache.activemq.artemis.core.server.Queue;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

import dev.caravan.deadletter.DeadLetterReplayer;

/**
 * (j) Dead-letter replay rate: N persistent 1 KiB dead letters back to their original queue, by the broker's own
 * retry ({@code QueueControl.retryMessages}, what the Artemis console's "retry" runs inside the broker) or by Caravan's
 * replay (client-side transactions, failure fields removed, replay count and duplicate id added).
 */
final class DeadLetterReplayScenario {

    private static final String QUEUE = "bench.replay";
    private static final String DLQ = "DLQ." + QUEUE;

    private final ActiveMQServer server;
    private final ActiveMQConnectionFactory factory;
    private final DeadLetterReplayer replayer;

    DeadLetterReplayScenario(ActiveMQServer server, ActiveMQConnectionFactory factory, DeadLetterReplayer replayer) {
        this.server = server;
        this.factory = factory;
        this.replayer = replayer;
    }

    /** Fills the DLQ, times one replay of all of it until it is on the queue, drains the queue; msg/s. */
    double round(int messages, boolean byCaravan) throws Exception {
        fillDeadLetters(messages);
        long started = System.nanoTime();
        if (byCaravan) {
            long replayed = replayer.replay(DLQ, new DeadLetterReplayer.Request(null, true, null, null, null, null,
                    null, null, null)).replayed();
            check(replayed == messages, "Caravan replayed " + replayed + " of " + messages);
        } else {
            QueueControl control = (QueueControl) server.getManagementService().getResource(ResourceNames.QUEUE + DLQ);
            int retried = control.retryMessages();
            check(retried == messages, "the broker retried " + retried + " of " + messages);
        }
        Queue target = server.locateQueue(SimpleString.of(QUEUE));
        await(() -> target.getMessageCount() == messages, "replayed messages on " + QUEUE);
        double rate = messages / ((System.nanoTime() - started) / 1e9);
        target.deleteAllReferences();
        return rate;
    }

    private void fillDeadLetters(int messages) throws Exception {
        byte[] body = new byte[1024];
        Preload.send(factory, false, QUEUE, messages, i -> body);
        Queue queue = server.locateQueue(SimpleString.of(QUEUE));
        await(() -> queue.getMessageCount() == messages, QUEUE + " filled");
        queue.sendMessagesToDeadLetterAddress(null);
        await(() -> {
            Queue dlq = server.locateQueue(SimpleString.of(DLQ));
            return dlq != null && dlq.getMessageCount() == messages && queue.getMessageCount() == 0;
        }, DLQ + " filled");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (!condition.getAsBoolean()) {
            check(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(2); // polling interval of a measurement loop
        }
    }

    private static void check(boolean condition, String message) {
        if (!condition) {
            throw new IllegalStateException(message);
        }
    }
}
