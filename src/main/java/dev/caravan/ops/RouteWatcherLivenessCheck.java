package dev.caravan.ops;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import dev.caravan.routing.RouteFileWatcher;

/** Live while route files still reload: a dead watcher means changes on disk silently stop being applied. */
@Liveness
public class RouteWatcherLivenessCheck implements HealthCheck {

    @Inject
    RouteFileWatcher watcher;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("route-watcher").status(watcher.healthy()).build();
    }
}
