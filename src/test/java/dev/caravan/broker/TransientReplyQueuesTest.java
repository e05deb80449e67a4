package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.activemq.artemis.api.core.QueueConfiguration;
import org.junit.jupiter.api.Test;

class TransientReplyQueuesTest {

    private final TransientReplyQueues plugin = new TransientReplyQueues();

    @Test
    void replyQueuesAreCreatedNonDurable() {
        QueueConfiguration replies = QueueConfiguration.of("caravan.replies.0f3a");
        plugin.beforeCreateQueue(replies);
        assertThat(replies.isDurable()).isFalse();
    }

    @Test
    void everyOtherQueueIsLeftAsAsked() {
        for (String name : new String[]{"orders", "caravan.replies", "caravan.repliesX", "DLQ.caravan.replies.1",
                "caravan.gateway"}) {
            QueueConfiguration queue = QueueConfiguration.of(name).setDurable(true);
            plugin.beforeCreateQueue(queue);
            assertThat(queue.isDurable()).as(name).isTrue();
        }
        QueueConfiguration unset = QueueConfiguration.of("orders");
        plugin.beforeCreateQueue(unset);
        assertThat(unset.isDurable()).as("Artemis' default").isTrue();
    }
}
