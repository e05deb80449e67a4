package dev.caravan.ops;

import java.util.List;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.caravan.routing.RouteFileLoader;

/** Ready when Camel runs, the route files have been loaded, and every route meant to run is started. */
@Readiness
public class RoutesHealthCheck implements HealthCheck {

    @Inject
    CamelContext camel;

    @Inject
    RouteFileLoader files;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("routes");
        if (!camel.isStarted() || !files.initialLoadDone()) {
            return response.down().withData("camel", camel.getStatus().name()).build();
        }
        List<String> notStarted = camel.getRoutes().stream()
                .filter(r -> r.isAutoStartup())
                .filter(r -> camel.getRouteController().getRouteStatus(r.getRouteId()) != ServiceStatus.Started)
                .map(Route::getRouteId).sorted().toList();
        response.withData("routes", camel.getRoutes().size());
        if (!notStarted.isEmpty()) {
            return response.down().withData("notStarted", String.join(",", notStarted)).build();
        }
        return response.up().build();
    }
}
