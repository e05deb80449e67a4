package dev.caravan.ops;

import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.Service;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.LifecycleStrategySupport;
import org.apache.camel.support.service.ServiceHelper;
import org.jboss.logging.Logger;

/**
 * Lets a removed route's policies go with it. Camel adds every route policy that is a service (Caravan's metrics and
 * correlation-id policies, Camel's tracing policy) to the context's services, each with its own JMX MBean, and keeps it
 * there when the route is removed: every reload of a route file left its old routes' policies behind, in memory (with
 * what they hold: meters, the removed route) and in the JMX tree the operators' console loads (two MBeans more per
 * route and reload; the test suite's reloads made the tree large enough for the console page to time out).
 * <p>
 * Hand-written: Camel 4.17 has no option that removes them (its route service stops and unregisters a route's own
 * child services, but the policies are the context's). A policy shared with a route that stays is left in place.
 */
@ApplicationScoped
public class RemovedRoutePolicies {

    private static final Logger LOG = Logger.getLogger(RemovedRoutePolicies.class);

    void onCamelStarting(@Observes CamelEvent.CamelContextStartingEvent event) {
        CamelContext camel = event.getContext();
        if (camel.getLifecycleStrategies().stream().noneMatch(Strategy.class::isInstance)) {
            camel.addLifecycleStrategy(new Strategy(camel));
        }
    }

    static final class Strategy extends LifecycleStrategySupport {

        private final CamelContext camel;

        Strategy(CamelContext camel) {
            this.camel = camel;
        }

        @Override
        public void onRoutesRemove(Collection<Route> removed) {
            Set<Route> going = Collections.newSetFromMap(new IdentityHashMap<>());
            going.addAll(removed);
            Set<RoutePolicy> kept = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Route route : camel.getRoutes()) {
                if (!going.contains(route)) {
                    kept.addAll(route.getRoutePolicyList());
                }
            }
            for (Route route : removed) {
                for (RoutePolicy policy : route.getRoutePolicyList()) {
                    if (policy instanceof Service service && !kept.contains(policy) && camel.hasService(service)) {
                        remove(route, service);
                    }
                }
            }
        }

        private void remove(Route route, Service policy) {
            try {
                camel.removeService(policy); // unregisters its MBean and drops the context's reference
                ServiceHelper.stopAndShutdownService(policy);
            } catch (Exception e) {
                LOG.warnf(e, "Could not release route %s's policy %s", route.getRouteId(), policy);
            }
        }
    }
}
