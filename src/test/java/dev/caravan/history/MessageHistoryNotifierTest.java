package dev.caravan.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.impl.event.ExchangeCreatedEvent;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint each "received" hop names: without its options (which may hold credentials), remembered or not. */
class MessageHistoryNotifierTest {

    private final DefaultCamelContext camel = new DefaultCamelContext();
    private final List<String> endpoints = new ArrayList<>();
    private final MessageHistoryNotifier notifier = new MessageHistoryNotifier(new MessageHistory() {
        @Override
        public void record(String correlationId, Instant at, String event, String route, String endpoint,
                Long millis, String detail) {
            endpoints.add(endpoint);
        }

        @Override
        public void record(String correlationId, String event, String route, String endpoint, Long millis,
                String detail) {
            endpoints.add(endpoint);
        }
    });

    @AfterEach
    void stop() {
        camel.stop();
    }

    @Test
    void theSameEndpointIsShownWithoutItsOptionsEveryTime() throws Exception {
        Endpoint endpoint = camel.getEndpoint("log:orders?level=WARN&showHeaders=true");

        receivedFrom(endpoint);
        receivedFrom(endpoint);

        assertThat(endpoints).containsExactly("log://orders", "log://orders");
    }

    @Test
    void endpointsBeyondTheRememberedOnesAreStillShownRight() throws Exception {
        int count = MessageHistoryNotifier.MAX_REMEMBERED_ENDPOINTS + 20;
        for (int i = 0; i < count; i++) {
            receivedFrom(camel.getEndpoint("log:dynamic-" + i + "?level=WARN"));
        }
        receivedFrom(camel.getEndpoint("log:dynamic-" + (count - 1) + "?level=WARN"));

        assertThat(endpoints).hasSize(count + 1).noneMatch(shown -> shown.contains("?"));
        assertThat(endpoints.get(count - 1)).isEqualTo("log://dynamic-" + (count - 1));
        assertThat(endpoints.get(count)).isEqualTo("log://dynamic-" + (count - 1));
    }

    private void receivedFrom(Endpoint endpoint) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getIn().setHeader(MessageHistoryNotifier.JMS_CORRELATION_ID, "c-1");
        exchange.getExchangeExtension().setFromEndpoint(endpoint);
        exchange.getExchangeExtension().setFromRouteId("route-1");
        notifier.notify(new ExchangeCreatedEvent(exchange));
    }
}
