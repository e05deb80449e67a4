package dev.caravan.ops;

import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;

/**
 * Carries the current trace (the HTTP request's span) into a message the gateway sends, as W3C {@code traceparent} /
 * {@code tracestate} / {@code baggage} message properties — the names Camel's tracer reads when a route receives the
 * message, so the route's spans join the caller's trace.
 * <p>
 * Why by hand: the gateway sends through Camel's producer on a worker thread, and Camel's tracer starts a send's trace
 * from the message's headers only, never from the thread's current context; the HTTP span would otherwise end the
 * trace at the gateway. With tracing off (the default) the propagators are no-ops and nothing is added.
 */
@ApplicationScoped
public class TraceContext {

    /** Message properties that carry trace context: never handed back to an HTTP caller as X-Msg- headers. */
    public static final Set<String> PROPERTIES = Set.of("traceparent", "tracestate", "baggage");

    @Inject
    OpenTelemetry openTelemetry;

    /** Call on the request's thread: adds the current trace's properties, if a span is being recorded. */
    public void inject(Map<String, Object> properties) {
        Context current = Context.current();
        if (!Span.fromContext(current).getSpanContext().isValid()) {
            return;
        }
        openTelemetry.getPropagators().getTextMapPropagator().inject(current, properties, Map::put);
    }

    public static boolean isTraceProperty(String name) {
        return PROPERTIES.contains(name);
    }
}
