package dev.caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.jms.JMSException;
import jakarta.jms.Message;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;

import dev.caravan.testing.CaravanTestSupport;
import dev.caravan.testing.Jms;

/** The worked examples in {@code routes/} do what their header comments promise. */
@QuarkusTest
class ShippedRoutesTest extends CaravanTestSupport {

    @Test
    void pointToPointWorkerAcceptsEveryOrderOnce() throws Exception {
        try (Jms client = Jms.connect(port, "app", "app")) {
            for (int i = 0; i < 20; i++) {
                client.sendText("orders", "order-" + i);
            }
            List<Message> accepted = client.receive("orders.accepted", 20, 10_000);
            assertThat(accepted.stream().map(Jms::text).collect(Collectors.toSet())).hasSize(20);
            assertThat(accepted).allSatisfy(m -> assertThat(header(m, "CaravanAcceptedBy"))
                    .isEqualTo("caravan/orders-worker"));
            assertThat(client.receive("orders.accepted", 200)).isNull();
        }
    }

    @Test
    void everySubscriberGetsEachEvent() throws Exception {
        // Other tests publish order events too: this one follows its own, marked with a run id.
        String run = UUID.randomUUID().toString();
        Set<String> sent = new HashSet<>();
        try (Jms client = Jms.connect(port, "app", "app")) {
            for (int i = 0; i < 10; i++) {
                sent.add("event-" + run + "-" + i);
                client.publishText("orders.events", "event-" + run + "-" + i);
            }
            assertThat(receiveOurs(client, "audit.orders", run)).isEqualTo(sent);
            assertThat(receiveOurs(client, "billing.orders", run)).isEqualTo(sent);
        }
    }

    private static Set<String> receiveOurs(Jms client, String queue, String run) throws JMSException {
        Set<String> ours = new HashSet<>();
        for (int i = 0; i < 100 && ours.size() < 10; i++) {
            Message message = client.receive(queue, 10_000);
            assertThat(message).as("event %d of this run on %s", ours.size() + 1, queue).isNotNull();
            if (Jms.text(message).contains(run)) {
                ours.add(Jms.text(message));
            }
        }
        return ours;
    }

    private static String header(Message message, String name) {
        try {
            return message.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
