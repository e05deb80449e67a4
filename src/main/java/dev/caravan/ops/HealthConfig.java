package dev.caravan.ops;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Readiness checks that reach outside the process (database, Kafka). */
@ConfigMapping(prefix = "caravan.health")
public interface HealthConfig {

    /**
     * How long such a check waits for an answer before it reports DOWN. Keep it below the probe's own timeout (e.g.
     * Kubernetes' {@code timeoutSeconds}), so the probe gets a reason rather than no answer.
     */
    @WithDefault("3s")
    Duration timeout();
}
