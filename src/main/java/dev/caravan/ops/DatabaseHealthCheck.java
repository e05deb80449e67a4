package dev.caravan.ops;

import java.sql.Connection;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.agroal.api.AgroalDataSource;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

import dev.caravan.database.DatabaseWiring;

/**
 * Ready while Caravan's database answers: a connection from the pool that {@code sql:} routes use passes the driver's
 * validity check. Caravan builds that pool itself (see {@link DatabaseWiring}), so Quarkus' own datasource check does
 * not see it. Bounded: a database that hangs makes the check DOWN after {@code caravan.health.timeout} instead of
 * stalling the probe until the pool's acquisition timeout.
 */
@Readiness
@ApplicationScoped
public class DatabaseHealthCheck implements AsyncHealthCheck {

    @Inject
    HealthConfig config;

    @Inject
    @Named("dataSource")
    Instance<AgroalDataSource> dataSource;

    @Inject
    DatabaseWiring wiring;

    @Override
    public Uni<HealthCheckResponse> call() {
        Duration timeout = config.timeout();
        return Uni.createFrom().item(() -> probe(timeout)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(timeout)
                .recoverWithItem(() -> response().down()
                        .withData("error", "no valid connection within " + timeout.toMillis() + " ms").build());
    }

    private HealthCheckResponse probe(Duration timeout) {
        try (Connection connection = dataSource.get().getConnection()) {
            boolean valid = connection.isValid((int) Math.max(1, timeout.toSeconds()));
            HealthCheckResponseBuilder response = response().status(valid);
            return valid ? response.build() : response.withData("error", "connection not valid").build();
        } catch (Exception e) {
            return response().down().withData("error", String.valueOf(e.getMessage())).build();
        }
    }

    /** A new builder per answer: the probe and the timeout may both answer, from different threads. */
    private HealthCheckResponseBuilder response() {
        return HealthCheckResponse.named("database").withData("url", wiring.redactedUrl());
    }
}
