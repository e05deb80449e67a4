package dev.caravan.ops;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.apache.camel.opentelemetry2.OpenTelemetryTracer;
import org.apache.camel.spi.CamelEvent;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Installs Camel's OpenTelemetry tracer before any route starts, when tracing is on ({@code quarkus.otel.sdk.disabled}
 * false). Camel Quarkus produces the tracer as a bean that installs itself when first asked for, but Camel looks for
 * tracers and route policy factories in the registry by their interfaces, which does not reach that producer: without
 * this nobody asks, and routes are never traced. Off, the producer answers nothing and routes pay nothing.
 */
@ApplicationScoped
public class TracingWiring {

    @Inject
    Instance<OpenTelemetryTracer> tracer;

    @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false")
    boolean disabled;

    void onCamelStarting(@Observes CamelEvent.CamelContextStartingEvent event) {
        if (!disabled && tracer.isResolvable()) {
            tracer.get(); // the producer calls init(camelContext) on the one CamelContext
        }
    }
}
