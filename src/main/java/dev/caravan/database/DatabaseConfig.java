package dev.caravan.database;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Caravan's database, used by {@code sql:} routes, the JDBC idempotent repository and the aggregation repository.
 * By default an embedded H2 database under {@code caravan.data.dir} (no server needed); PostgreSQL in production.
 */
@ConfigMapping(prefix = "caravan.database")
public interface DatabaseConfig {

    /**
     * JDBC URL: {@code jdbc:postgresql://host:5432/db}, or {@code jdbc:h2:file:...}; unset means an embedded H2
     * database in {@code <caravan.data.dir>/database}.
     */
    Optional<String> url();

    /** Flyway migrations ({@code V1__name.sql}, ...) applied at start: Caravan's own tables and those of routes. */
    @WithDefault("database/migrations")
    String migrations();

    Optional<String> username();

    Optional<String> password();

    /** Most connections open at once. */
    @WithDefault("16")
    int maxConnections();

    /** How long a route waits for a free connection before failing (and rolling back). */
    @WithDefault("10s")
    Duration acquisitionTimeout();
}
