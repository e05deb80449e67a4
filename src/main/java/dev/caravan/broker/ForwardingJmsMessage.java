package dev.caravan.broker;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.Session;

import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsMessage;
import org.apache.camel.spi.DataType;

/**
 * The Camel message of an exchange received from {@code jms:}: lets an unchanged message be forwarded as received,
 * the way a hand-written JMS bridge does, instead of being copied into a new JMS message.
 * <p>
 * Why: Camel already forwards the received JMS message when a route has not touched its headers
 * ({@link JmsMessage#shouldCreateNewMessage()}), but its own producer always touches them: it looks up
 * {@code CamelJmsDestinationName} and sets {@code CamelJMSDestinationProduced} on every send. So every message is
 * copied: all JMS properties into a header map, the body out of the received message and into a new one. Measured on a
 * queue-to-queue route, that copy was the largest part of the route's CPU per message over a plain bridge.
 * <p>
 * This message keeps Camel's bookkeeping headers ({@code Camel*}) aside until the route reads its other headers, and
 * decides "new message or forward" on what would actually be sent: the body was replaced, or a header that maps to the
 * JMS message was added, changed or removed. Camel's JMS header filter drops {@code Camel*} headers in both directions,
 * so they can never come from, or go into, a JMS message; forwarding the original is then exactly what a copy would
 * have sent. It is used only with Camel's default JMS header filter (see {@link CaravanJmsComponent}).
 */
public class ForwardingJmsMessage extends JmsMessage {

    private Map<String, Object> internalHeaders;
    private Map<String, Object> received;
    private int receivedExternalCount;
    private boolean bodyReplaced;

    public ForwardingJmsMessage(Exchange exchange, JmsBinding binding) {
        super(exchange, null, null, binding);
    }

    /**
     * Called by Camel's listener for each received message. Unlike {@link JmsMessage#init}, headers are not read from
     * the JMS message until the route asks for them.
     */
    @Override
    public void init(Exchange exchange, Message jmsMessage, Session jmsSession, JmsBinding binding) {
        setExchange(exchange);
        setJmsMessage(jmsMessage);
        setJmsSession(jmsSession);
        setBinding(binding);
    }

    /**
     * JmsMessage's constructor sets the (here still absent) JMS message, and for {@code null} Camel evaluates the
     * redelivery flag by catching a NullPointerException: an exception per message, measured at about a tenth of a
     * route's consumer CPU. Nothing to set, nothing to evaluate.
     */
    @Override
    public void setJmsMessage(Message jmsMessage) {
        if (jmsMessage == null && getJmsMessage() == null) {
            return;
        }
        super.setJmsMessage(jmsMessage);
    }

    /** Header names Camel's JMS header filter drops in both directions ({@code CAMEL_FILTER_STARTS_WITH}). */
    static boolean isCamelInternal(String name) {
        return name.startsWith("Camel") || name.startsWith("camel") || name.startsWith("org.apache.camel.");
    }

    private boolean deferred(String name) {
        return !hasPopulatedHeaders() && getJmsMessage() != null && isCamelInternal(name);
    }

    @Override
    public Object getHeader(String name) {
        if (deferred(name)) {
            return internalHeaders == null ? null : internalHeaders.get(name);
        }
        if (isUnreadBreadcrumb(name)) {
            return breadcrumb();
        }
        return super.getHeader(name);
    }

    /** Whether the received message's properties have been copied into Camel's headers (what forwarding avoids). */
    public boolean headersCopied() {
        return hasPopulatedHeaders();
    }

    /**
     * Camel's MDC logging (on in Caravan: logs carry the route id) asks every exchange for its {@code breadcrumbId}
     * header. Answered from the JMS message's property itself, so asking does not copy every header.
     */
    private boolean isUnreadBreadcrumb(String name) {
        return !hasPopulatedHeaders() && getJmsMessage() != null && Exchange.BREADCRUMB_ID.equals(name);
    }

    private String breadcrumb() {
        try {
            return getJmsMessage().getStringProperty(Exchange.BREADCRUMB_ID);
        } catch (JMSException e) {
            return null;
        }
    }

    @Override
    public <T> T getHeader(String name, Class<T> type) {
        if (deferred(name) && (internalHeaders == null || !internalHeaders.containsKey(name))) {
            return null;
        }
        if (isUnreadBreadcrumb(name) && String.class == type) {
            return type.cast(breadcrumb());
        }
        if (!hasPopulatedHeaders() && "JMSReplyTo".equals(name) && hasNoReplyTo()) {
            // Camel's producer asks on every send; most messages have none, and the answer needs no header copy.
            return null;
        }
        return super.getHeader(name, type);
    }

    private boolean hasNoReplyTo() {
        try {
            return getJmsMessage() != null && getJmsMessage().getJMSReplyTo() == null;
        } catch (JMSException e) {
            return false;
        }
    }

    @Override
    public void setHeader(String name, Object value) {
        if (deferred(name)) {
            if (internalHeaders == null) {
                internalHeaders = new HashMap<>(4);
            }
            internalHeaders.put(name, value);
            return;
        }
        super.setHeader(name, value);
    }

    @Override
    public Object removeHeader(String name) {
        if (deferred(name)) {
            return internalHeaders == null ? null : internalHeaders.remove(name);
        }
        return super.removeHeader(name);
    }

    @Override
    protected Map<String, Object> createHeaders() {
        Map<String, Object> headers = super.createHeaders();
        if (internalHeaders != null) {
            headers.putAll(internalHeaders);
            internalHeaders = null;
        }
        return headers;
    }

    @Override
    protected void populateInitialHeaders(Map<String, Object> map) {
        Message jms = getJmsMessage();
        if (jms == null || map == null) {
            return;
        }
        received = getBinding().extractHeadersFromJms(jms, getExchange());
        receivedExternalCount = 0;
        for (String name : received.keySet()) {
            if (!isCamelInternal(name)) {
                receivedExternalCount++;
            }
        }
        map.putAll(received);
        try {
            map.put(Exchange.MESSAGE_TIMESTAMP, jms.getJMSTimestamp());
        } catch (JMSException e) {
            // as JmsMessage: the timestamp header is informational
        }
    }

    @Override
    public void setBody(Object body) {
        bodyReplaced = true;
        super.setBody(body);
    }

    @Override
    public void setBody(Object body, DataType type) {
        bodyReplaced = true;
        super.setBody(body, type);
    }

    @Override
    public boolean shouldCreateNewMessage() {
        if (bodyReplaced) {
            return true;
        }
        if (!hasPopulatedHeaders()) {
            return false;
        }
        if (received == null) {
            // Headers that did not come from the received message (e.g. replaced wholesale): copy, as Camel does.
            return true;
        }
        int unchanged = 0;
        for (Map.Entry<String, Object> header : getHeaders().entrySet()) {
            String name = header.getKey();
            if (isCamelInternal(name)) {
                continue;
            }
            Object before = received.get(name);
            if (before == null && !received.containsKey(name) || !Objects.equals(before, header.getValue())) {
                return true;
            }
            unchanged++;
        }
        return unchanged != receivedExternalCount;
    }
}
