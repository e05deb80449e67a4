package dev.caravan.deadletter;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Dead-letter handling for operators: replay limits, scans, alerting threshold, audit topic. */
@ConfigMapping(prefix = "caravan.dlq")
public interface DeadLetterConfig {

    /** Replays of one message before Caravan stops replaying it (it keeps failing: fix the cause first). */
    @WithDefault("5")
    int maxReplays();

    /** Dead letters moved per broker transaction during a replay or purge. */
    @WithDefault("500")
    int batchSize();

    /** Most dead letters a browse, group or text search reads from one DLQ. */
    @WithDefault("100000")
    int scanLimit();

    /** A DLQ deeper than this turns the dead-letters health check DOWN (readiness stays UP). */
    @WithDefault("1000")
    long degradedThreshold();

    /** Topic every replay, edit, delete and purge is published on, as JSON. */
    @WithDefault("caravan.audit")
    String auditTopic();
}
