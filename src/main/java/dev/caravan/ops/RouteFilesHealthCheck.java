package dev.caravan.ops;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import dev.caravan.routing.RouteFileLoader;
import dev.caravan.routing.RouteFileStatus;

/**
 * One entry per route file: {@code LOADED [route ids]} or {@code FAILED: cause}. Down while any file failed, so a broken
 * deployment of routes shows where operators and Kubernetes look.
 */
@Readiness
public class RouteFilesHealthCheck implements HealthCheck {

    @Inject
    RouteFileLoader files;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("route-files")
                .withData("directory", files.directory().toString());
        boolean healthy = files.initialLoadDone();
        for (RouteFileStatus status : files.statuses()) {
            if (status.failed()) {
                healthy = false;
                response.withData(status.file(), "FAILED: " + status.error());
            } else {
                response.withData(status.file(), "LOADED " + status.routeIds() + (status.skippedRouteIds().isEmpty()
                        ? ""
                        : " (not started, precondition false: " + status.skippedRouteIds() + ")"));
            }
        }
        return response.status(healthy).build();
    }
}
