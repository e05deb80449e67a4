package dev.caravan.history;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Message history ("where did message X go"): how much of it Caravan keeps in memory. */
@ConfigMapping(prefix = "caravan.history")
public interface HistoryConfig {

    /** Whether routes, the gateway and the broker's dead-lettering record hops at all. */
    @WithDefault("true")
    boolean enabled();

    /** Correlation ids remembered; the oldest is forgotten first. */
    @WithDefault("10000")
    int maxMessages();

    /** Hops kept per correlation id; the oldest are dropped first (and counted). */
    @WithDefault("32")
    int maxHops();
}
