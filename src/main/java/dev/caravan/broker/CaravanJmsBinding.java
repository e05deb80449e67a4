package dev.caravan.broker;

import jakarta.jms.BytesMessage;
import jakarta.jms.JMSException;

import org.apache.activemq.artemis.api.core.ActiveMQBuffer;
import org.apache.activemq.artemis.api.core.ICoreMessage;
import org.apache.activemq.artemis.jms.client.ActiveMQBytesMessage;
import org.apache.camel.Exchange;
import org.apache.camel.component.jms.JmsBinding;
import org.apache.camel.component.jms.JmsEndpoint;

/**
 * camel-jms's binding, except that the body of an Artemis {@code BytesMessage} is read straight from the message's
 * read-only body buffer. Why: Camel reads it through {@code BytesMessage.readBytes}, for which the Artemis client first
 * decodes every property and builds a writable view of the buffer; Camel reads the body of every message (its
 * stream-caching step looks at it), so that detour was measured on every message of every route. Large (streamed)
 * messages and Artemis streaming mode keep Camel's path.
 */
final class CaravanJmsBinding extends JmsBinding {

    private final JmsEndpoint endpoint;

    CaravanJmsBinding(JmsEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected Object createByteArrayFromBytesMessage(Exchange exchange, BytesMessage message) throws JMSException {
        if (message instanceof ActiveMQBytesMessage artemis && !endpoint.isArtemisStreamingEnabled()) {
            ICoreMessage core = artemis.getCoreMessage();
            if (!core.isLargeMessage()) {
                ActiveMQBuffer body = core.getReadOnlyBodyBuffer();
                byte[] bytes = new byte[body.readableBytes()];
                body.readBytes(bytes);
                return bytes;
            }
        }
        return super.createByteArrayFromBytesMessage(exchange, message);
    }
}
