package dev.caravan.ops;

import static org.apache.camel.component.micrometer.MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_EXTERNAL_REDELIVERIES_METER_NAME;
import static org.apache.camel.component.micrometer.MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILED_METER_NAME;
import static org.apache.camel.component.micrometer.MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILURES_HANDLED_METER_NAME;
import static org.apache.camel.component.micrometer.MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_SUCCEEDED_METER_NAME;
import static org.apache.camel.component.micrometer.MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_TOTAL_METER_NAME;
import static org.apache.camel.component.micrometer.MicrometerConstants.DEFAULT_CAMEL_ROUTE_POLICY_METER_NAME;

import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.NamedNode;
import org.apache.camel.Route;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyNamingStrategy;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.ManagementAgent;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.ExchangeHelper;
import org.apache.camel.support.RoutePolicySupport;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Per route and for the whole context ({@code routeId=""}): {@code camel_exchanges_total}, {@code _succeeded},
 * {@code _failed}, {@code _failures_handled}, {@code _external_redeliveries} and {@code camel_route_policy_seconds} —
 * the meters of Camel's Micrometer route policy, same names, tags and descriptions (its naming strategy is used), so
 * the dashboard, alerts and anything written for Camel read them unchanged.
 * <p>
 * Hand-written because Camel's policy ({@code quarkus.camel.metrics.enable-route-policy}, off in
 * application.properties) builds the exchange property that carries each timing with {@code String.format} on the
 * route id and the exchange id, for the route and again for the context, when the exchange begins and twice when it
 * ends: six formats per message. Measured as half of that policy's cost and ≈ 8 % of a queue → queue route's thread
 * time (JFR, benchmark (c)). Here each route's property name is built once; what is counted is the same: every
 * exchange of a route, and for the context only the exchange's first route (Camel's route stack level), so an exchange
 * passing through three routes counts once there.
 * <p>
 * Always both levels (route and context) and Camel's default meter names: what the dashboard and alerts read. Camel
 * Quarkus' {@code quarkus.camel.metrics.route-policy-level}, {@code route-policy-exclude-pattern} and
 * {@code naming-strategy} configured Camel's policy and do not apply here.
 */
@ApplicationScoped
public class RouteMetricsPolicy {

    static final MicrometerRoutePolicyNamingStrategy NAMES = MicrometerRoutePolicyNamingStrategy.DEFAULT;

    @Inject
    MeterRegistry registry;

    void onCamelStarting(@Observes CamelEvent.CamelContextStartingEvent event) {
        CamelContext camel = event.getContext();
        if (camel.getRoutePolicyFactories().stream().anyMatch(Factory.class::isInstance)) {
            return; // a context started again keeps its factory: a second one would count every exchange twice
        }
        ManagementAgent agent = camel.getManagementStrategy().getManagementAgent();
        // Camel's defaults when there is no management agent: template routes counted, kamelet routes not.
        boolean templates = agent == null || Boolean.TRUE.equals(agent.getRegisterRoutesCreateByTemplate());
        boolean kamelets = agent != null && Boolean.TRUE.equals(agent.getRegisterRoutesCreateByKamelet());
        camel.addRoutePolicyFactory(new Factory(registry, camel, templates, kamelets));
    }

    static final class Factory implements RoutePolicyFactory {

        private final MeterRegistry registry;
        private final Meters context;
        private final boolean templates;
        private final boolean kamelets;

        Factory(MeterRegistry registry, CamelContext camel, boolean templates, boolean kamelets) {
            this.registry = registry;
            this.templates = templates;
            this.kamelets = kamelets;
            this.context = new Meters(registry, "CamelCaravanContextTimer", NAMES.getTags(camel),
                    NAMES.getExchangeStatusTags(camel), "CamelContext performance metrics");
        }

        @Override
        public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
            return new Policy(this);
        }
    }

    /** One route's meters, registered when the route starts and removed with it (a reloaded route starts over). */
    static final class Policy extends RoutePolicySupport {

        private final Factory factory;
        private volatile Meters route;

        Policy(Factory factory) {
            this.factory = factory;
        }

        @Override
        public void onStart(Route started) {
            boolean skipped = started.isCreatedByKamelet() && !factory.kamelets
                    || started.isCreatedByRouteTemplate() && !factory.templates;
            if (route == null && !skipped) {
                route = new Meters(factory.registry, "CamelCaravanRouteTimer-" + started.getId(),
                        NAMES.getTags(started), NAMES.getExchangeStatusTags(started), "Route performance metrics");
            }
        }

        @Override
        public void onRemove(Route removed) {
            Meters gone = route;
            route = null;
            if (gone != null) {
                gone.remove(factory.registry);
            }
        }

        @Override
        public void onExchangeBegin(Route on, Exchange exchange) {
            if (atRootRoute(exchange)) {
                factory.context.begin(exchange);
            }
            Meters meters = route;
            if (meters != null) {
                meters.begin(exchange);
            }
        }

        @Override
        public void onExchangeDone(Route on, Exchange exchange) {
            if (atRootRoute(exchange)) {
                factory.context.done(exchange);
            }
            Meters meters = route;
            if (meters != null) {
                meters.done(exchange);
            }
        }

        private boolean atRootRoute(Exchange exchange) {
            UnitOfWork uow = exchange.getUnitOfWork();
            return uow == null || uow.routeStackLevel(factory.templates, factory.kamelets) <= 1;
        }
    }

    /** The meters of a route or of the context, and the exchange property that carries a timing from begin to done. */
    static final class Meters {

        private final String timing;
        private final Timer timer;
        private final Counter total;
        private final Counter succeeded;
        private final Counter failed;
        private final Counter failuresHandled;
        private final Counter externalRedeliveries;

        Meters(MeterRegistry registry, String timing, Tags tags, Tags statusTags, String description) {
            this.timing = timing;
            this.succeeded = counter(registry,
                    NAMES.formatName(DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_SUCCEEDED_METER_NAME), statusTags,
                    "Number of successfully completed exchanges");
            this.failed = counter(registry, NAMES.formatName(DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILED_METER_NAME),
                    statusTags,
                    "Number of failed exchanges");
            this.total = counter(registry, NAMES.formatName(DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_TOTAL_METER_NAME),
                    statusTags,
                    "Total number of processed exchanges");
            this.externalRedeliveries = counter(registry,
                    NAMES.formatName(DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_EXTERNAL_REDELIVERIES_METER_NAME),
                    statusTags, "Number of external initiated redeliveries (such as from JMS broker)");
            this.failuresHandled = counter(registry,
                    NAMES.formatName(DEFAULT_CAMEL_ROUTE_POLICY_EXCHANGES_FAILURES_HANDLED_METER_NAME), statusTags,
                    "Number of failures handled");
            this.timer = Timer.builder(NAMES.formatName(DEFAULT_CAMEL_ROUTE_POLICY_METER_NAME)).tags(tags)
                    .description(description)
                    .register(registry);
        }

        private static Counter counter(MeterRegistry registry, String name, Tags tags, String description) {
            return Counter.builder(name).tags(tags).description(description).register(registry);
        }

        void begin(Exchange exchange) {
            exchange.setProperty(timing, System.nanoTime());
        }

        void done(Exchange exchange) {
            Object began = exchange.removeProperty(timing);
            if (began instanceof Long start) {
                timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            }
            total.increment();
            if (exchange.isFailed()) {
                failed.increment();
            } else {
                succeeded.increment();
                if (ExchangeHelper.isFailureHandled(exchange)) {
                    failuresHandled.increment();
                }
                if (exchange.isExternalRedelivered()) {
                    externalRedeliveries.increment();
                }
            }
        }

        void remove(MeterRegistry registry) {
            for (var meter : new Meter[]{timer, total, succeeded, failed,
                    failuresHandled, externalRedeliveries}) {
                registry.remove(meter);
            }
        }
    }
}
