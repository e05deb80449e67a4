package dev.caravan.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.jms.Message;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

/** Unit test: what Camel asks of every exchange (the MDC's breadcrumb) is answered without copying the headers. */
class ForwardingJmsMessageTest {

    @Test
    void breadcrumbIsReadFromTheJmsMessageWithoutCopyingItsProperties() throws Exception {
        List<String> calls = new CopyOnWriteArrayList<>();
        // A JMS message that answers one property and records what it is asked (property enumeration = a copy).
        Message jms = (Message) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[]{Message.class},
                (proxy, method, args) -> {
                    calls.add(method.getName());
                    return switch (method.getName()) {
                        case "getStringProperty" -> "breadcrumbId".equals(args[0]) ? "b-1" : null;
                        case "getObjectProperty" -> "Region".equals(args[0]) ? "eu" : null;
                        case "getPropertyNames" -> Collections.enumeration(List.of("Region", "breadcrumbId"));
                        case "getJMSTimestamp", "getJMSExpiration" -> 0L;
                        case "getJMSPriority", "getJMSDeliveryMode" -> 4;
                        case "getJMSRedelivered" -> false;
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        case "toString" -> "test message";
                        default -> null;
                    };
                });
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            Exchange exchange = new DefaultExchange(context);
            JmsBinding binding = new JmsBinding();
            ForwardingJmsMessage message = new ForwardingJmsMessage(exchange, binding);
            message.init(exchange, jms, null, binding);

            assertThat(message.getHeader(Exchange.BREADCRUMB_ID, String.class)).isEqualTo("b-1");
            assertThat(message.getHeader(Exchange.BREADCRUMB_ID)).isEqualTo("b-1");
            assertThat(message.headersCopied()).isFalse();
            assertThat(calls).doesNotContain("getPropertyNames");
            assertThat(message.shouldCreateNewMessage()).isFalse();

            // Any other header: the properties are copied, as Camel's own JMS message does.
            assertThat(message.getHeader("Region")).isEqualTo("eu");
            assertThat(message.headersCopied()).isTrue();
            assertThat(message.getHeader(Exchange.BREADCRUMB_ID)).isEqualTo("b-1");
            assertThat(message.shouldCreateNewMessage()).isFalse();
        }
    }
}
