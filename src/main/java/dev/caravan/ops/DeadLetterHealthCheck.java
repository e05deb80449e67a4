package dev.caravan.ops;

import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import io.smallrye.health.api.Wellness;

import dev.caravan.deadletter.DeadLetterConfig;
import dev.caravan.deadletter.DeadLetterQueues;

/**
 * DOWN when a DLQ holds more than {@code caravan.dlq.degraded-threshold} dead letters: Caravan is degraded and someone
 * should look. A wellness check, not a readiness one: deep DLQs are no reason to take the instance out of service, so
 * {@code /q/health/ready} and {@code /q/health/live} stay UP while {@code /q/health} and {@code /q/health/well} say DOWN.
 */
@Wellness
public class DeadLetterHealthCheck implements HealthCheck {

    @Inject
    DeadLetterQueues queues;

    @Inject
    DeadLetterConfig config;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("dead-letters")
                .withData("threshold", config.degradedThreshold());
        boolean healthy = true;
        try {
            for (var dlq : queues.depths().entrySet()) {
                if (dlq.getValue() > config.degradedThreshold()) {
                    healthy = false;
                    response.withData(dlq.getKey(), dlq.getValue());
                }
            }
        } catch (RuntimeException e) {
            return response.down().withData("error", String.valueOf(e.getMessage())).build();
        }
        return response.status(healthy).build();
    }
}
