package dev.caravan.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.camel.CamelContext;
import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.RoutePolicyFactory;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Caravan's route metrics against Camel's own Micrometer route policy, the same traffic through each: the same meters
 * (names, tags) with the same counts, so the dashboard and alerts cannot tell them apart.
 */
class RouteMetricsPolicyTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void sameMetersAndCountsAsCamelsRoutePolicy() throws Exception {
        Map<String, Double> camels = traffic(camel -> {
            MicrometerRoutePolicyFactory factory = new MicrometerRoutePolicyFactory();
            factory.setCamelContext(camel);
            return factory;
        }, new SimpleMeterRegistry());
        Map<String, Double> caravans = traffic(camel -> new RouteMetricsPolicy.Factory(registry, camel, true, false),
                registry);

        assertThat(caravans).isEqualTo(camels);
        // The counts that say what the policy does: an exchange through outer -> inner counts once for the context.
        assertThat(caravans).containsEntry("counter camel.exchanges.total [outer]", 3.0)
                .containsEntry("counter camel.exchanges.total [inner]", 3.0)
                .containsEntry("counter camel.exchanges.total []", 6.0)
                .containsEntry("counter camel.exchanges.failed [fails]", 1.0)
                .containsEntry("counter camel.exchanges.succeeded [handled]", 2.0)
                .containsEntry("counter camel.exchanges.failures.handled [handled]", 2.0)
                .containsEntry("timer camel.route.policy [outer]", 3.0);
    }

    @Test
    void aRemovedRouteTakesItsMetersAlong() throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutePolicyFactory(new RouteMetricsPolicy.Factory(registry, camel, true, false));
            camel.addRoutes(routes());
            camel.start();
            camel.createProducerTemplate().sendBody("direct:inner", "x");
            assertThat(routeIds()).contains("inner", "outer");

            camel.getRouteController().stopRoute("inner");
            camel.removeRoute("inner");

            assertThat(routeIds()).doesNotContain("inner").contains("outer", "");
        }
    }

    private Set<String> routeIds() {
        return registry.getMeters().stream().map(m -> m.getId().getTag("routeId")).collect(Collectors.toSet());
    }

    /** Runs the same exchanges through a context with the given policy; every route meter and its count. */
    private static Map<String, Double> traffic(Function<CamelContext, RoutePolicyFactory> policy,
            MeterRegistry meters) throws Exception {
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.getRegistry().bind("meters", meters);
            camel.addRoutePolicyFactory(policy.apply(camel));
            camel.addRoutes(routes());
            camel.start();
            ProducerTemplate template = camel.createProducerTemplate();
            for (int i = 0; i < 3; i++) {
                template.sendBody("direct:outer", "o-" + i);
            }
            assertThatThrownBy(() -> template.sendBody("direct:fails", "f"))
                    .isInstanceOf(CamelExecutionException.class);
            template.sendBody("direct:handled", "h-1");
            template.sendBody("direct:handled", "h-2");

            Map<String, Double> seen = new TreeMap<>();
            for (Meter meter : meters.getMeters()) {
                if (!"CamelRoute".equals(meter.getId().getTag("kind"))) {
                    continue;
                }
                Meter.Id id = meter.getId();
                String key = id.getType().name().toLowerCase() + " " + id.getName() + " [" + id.getTag("routeId")
                        + "]";
                double count = meter instanceof Counter counter
                        ? counter.count()
                        : meter instanceof Timer timer ? timer.count() : Double.NaN;
                seen.put(key, count);
                // Same tags on each: camelContext, kind, routeId, eventType.
                assertThat(id.getTags()).extracting(t -> t.getKey())
                        .containsExactlyInAnyOrder("camelContext", "kind", "routeId", "eventType");
            }
            return seen;
        }
    }

    private static RouteBuilder routes() {
        return new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:outer").routeId("outer").to("direct:inner");
                from("direct:inner").routeId("inner").setBody(constant("inner"));
                from("direct:fails").routeId("fails").throwException(new IllegalStateException("always fails"));
                from("direct:handled").routeId("handled")
                        .onException(IllegalArgumentException.class).handled(true).end()
                        .throwException(new IllegalArgumentException("handled"));
            }
        };
    }
}
