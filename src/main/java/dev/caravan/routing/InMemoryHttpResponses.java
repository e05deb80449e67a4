package dev.caravan.routing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.StreamCache;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.camel.util.StringHelper;

/**
 * HTTP routes ({@code platform-http}) answer a body that is already in memory with one write.
 * <p>
 * Camel's Vert.x platform-http writes only a String, a Vert.x Buffer or a ByteBuffer in one go. Anything else — a
 * {@code byte[]}, or the stream-cached response of an {@code http} call, which is what a pass-through or API-composition
 * route answers with — it converts to an InputStream and pumps to the client: every read of that stream is handed to a
 * worker thread and back to the event loop, with two new 16 KiB buffers per read. For a 1 KiB answer that was ≈ 75 % of
 * everything the pass-through route allocated and most of its thread hand-offs (JFR, benchmark (h)).
 * <p>
 * So when such a route has finished without an exception and its body is a {@code byte[]} or a stream cache held in
 * memory (up to {@link #MAX_COPIED_BYTES}), the body becomes a ByteBuffer over the same bytes before the consumer
 * writes it: the same bytes and headers, in one write. A larger or spooled stream cache and any other stream are left
 * to Camel's pump, which is right for them: they are not read into memory here. Runs as a route policy because its
 * {@code onExchangeDone} is called after the route's last step and before the consumer writes the response.
 * <p>
 * The right depth for this fix is Camel's {@code VertxPlatformHttpSupport.writeResponse}, which could write these
 * bodies directly; it is a static method of the component, so Caravan adapts the body at the end of the route instead.
 */
@ApplicationScoped
public class InMemoryHttpResponses {

    /**
     * Largest stream-cached answer copied into memory for one write. Past it the copy would double a large download's
     * memory for a saving that its many 16 KiB reads make small; Camel's pump streams it with back-pressure instead.
     */
    static final int MAX_COPIED_BYTES = 1024 * 1024;

    void onCamelStarting(@Observes CamelEvent.CamelContextStartingEvent event) {
        CamelContext camel = event.getContext();
        if (camel.getRoutePolicyFactories().stream().noneMatch(Factory.class::isInstance)) {
            camel.addRoutePolicyFactory(new Factory());
        }
    }

    /**
     * The body to write instead of {@code body}, or {@code body} itself when it is not held in memory.
     *
     * @throws IOException if an in-memory stream cache cannot be read (it holds its bytes, so only a defect would)
     */
    static Object inMemory(Object body) throws IOException {
        if (body instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        if (body instanceof StreamCache cache && body instanceof InputStream stream && cache.inMemory()
                && cache.length() - cache.position() <= MAX_COPIED_BYTES) {
            // From where the route left it, as Camel's pump would read it.
            return ByteBuffer.wrap(stream.readAllBytes());
        }
        return body;
    }

    static final class Factory implements RoutePolicyFactory {
        /**
         * None for a route whose input is known not to be platform-http, so that a queue route pays nothing per
         * exchange; a policy that decides when the route is built for any other.
         */
        @Override
        public RoutePolicy createRoutePolicy(CamelContext camel, String routeId, NamedNode route) {
            String scheme = route instanceof RouteDefinition definition && definition.getInput() != null
                    ? scheme(camel, definition.getInput().getEndpointUri())
                    : null;
            return scheme == null || scheme.equals("platform-http") ? new Policy() : null;
        }

        private static String scheme(CamelContext camel, String uri) {
            if (uri == null) {
                return null;
            }
            try {
                String resolved = camel.resolvePropertyPlaceholders(uri);
                return StringHelper.before(resolved, ":", resolved);
            } catch (RuntimeException e) {
                return null; // a placeholder that does not resolve yet: the policy decides once the route is built
            }
        }
    }

    /** Active only on routes whose consumer is platform-http. */
    static final class Policy extends RoutePolicySupport {

        private boolean http;

        @Override
        public void onInit(Route route) {
            super.onInit(route);
            http = route.getEndpoint() instanceof PlatformHttpEndpoint;
        }

        @Override
        public void onExchangeDone(Route route, Exchange exchange) {
            if (!http || exchange.getException() != null) {
                return; // failures are answered by platform-http's own error handling
            }
            Message message = exchange.getMessage();
            Object body = message.getBody();
            try {
                Object replacement = inMemory(body);
                if (replacement != body) {
                    message.setBody(replacement);
                }
            } catch (IOException e) {
                exchange.setException(e);
            }
        }
    }
}
