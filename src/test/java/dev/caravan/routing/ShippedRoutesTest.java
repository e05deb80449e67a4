package dev.caravan.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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

    private static String header(Message message, String name) {
        try {
            return message.getStringProperty(name);
        } catch (JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
