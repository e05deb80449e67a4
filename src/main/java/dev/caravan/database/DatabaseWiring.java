package dev.caravan.database;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.Locale;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;

import dev.caravan.broker.DataConfig;

/**
 * Caravan's one datasource, the {@code dataSource} that {@code sql:} routes use without naming it.
 * <p>
 * Why not Quarkus' datasource extension: it fixes the database kind at build time, and Caravan's one packaged jar must
 * run on an embedded database by default (the README's run command needs no server) and on PostgreSQL in production,
 * chosen by {@code caravan.database.url}. The pool is the same Agroal pool Quarkus uses, configured at run time.
 */
@Singleton
public class DatabaseWiring {

    private static final Logger LOG = Logger.getLogger(DatabaseWiring.class);

    @Inject
    DatabaseConfig config;

    @Inject
    DataConfig data;

    /** The configured URL, or the embedded database under the data directory. */
    public String url() {
        return config.url().orElseGet(() -> embeddedUrl(Path.of(data.dir()).resolve("database")));
    }

    /** The URL without parameters that may carry a password: for logs and health. */
    public String redactedUrl() {
        return redact(url());
    }

    /**
     * The embedded H2 database in {@code dir}, in PostgreSQL compatibility mode: routes, migrations and Camel's
     * PostgreSQL-specific repositories (e.g. {@code PostgresAggregationRepository}) then work unchanged on both.
     * <p>
     * {@code DB_CLOSE_ON_EXIT=FALSE}: by default H2 closes the database from a JVM shutdown hook of its own, at once,
     * which cut the writes of exchanges still finishing during a graceful stop. The pool closes it instead, when Caravan
     * disposes of the datasource after Camel has stopped (the last connection closed closes the database).
     */
    public static String embeddedUrl(Path dir) {
        return "jdbc:h2:file:" + dir.toAbsolutePath().normalize().resolve("caravan")
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_ON_EXIT=FALSE";
    }

    /**
     * Spring's transaction manager over the datasource, for Camel components that run their JDBC work in a transaction
     * of their own (the JDBC aggregation repository).
     */
    @Produces
    @Singleton
    @Named("databaseTransactionManager")
    public DataSourceTransactionManager transactionManager(@Named("dataSource") AgroalDataSource dataSource) {
        return new DataSourceTransactionManager(dataSource);
    }

    @Produces
    @Singleton
    @Named("dataSource")
    public AgroalDataSource dataSource() throws SQLException {
        String url = url();
        AgroalDataSourceConfigurationSupplier supplier = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(0)
                        .minSize(0)
                        .maxSize(config.maxConnections())
                        .acquisitionTimeout(config.acquisitionTimeout())
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(url).connectionProviderClassName(driverFor(url));
                            config.username().ifPresent(user -> factory.principal(new NamePrincipal(user)));
                            config.password().ifPresent(password -> factory.credential(new SimplePassword(password)));
                            return factory;
                        }));
        LOG.infof("Database: %s", redact(url));
        AgroalDataSource dataSource = AgroalDataSource.from(supplier);
        migrate(dataSource);
        return dataSource;
    }

    /**
     * Applies the Flyway migrations in {@code caravan.database.migrations} before any route can use the database: a
     * failed migration fails the start, with Flyway's reason.
     */
    private void migrate(AgroalDataSource dataSource) {
        Path dir = Path.of(config.migrations()).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            LOG.warnf("No database migrations at %s (caravan.database.migrations): tables are as they are", dir);
            return;
        }
        var result = Flyway.configure().dataSource(dataSource).locations("filesystem:" + dir)
                .failOnMissingLocations(true).load().migrate();
        LOG.infof("Database schema at version %s (%d migrations applied from %s)", result.targetSchemaVersion,
                result.migrationsExecuted, dir);
    }

    void close(@Disposes @Named("dataSource") AgroalDataSource dataSource) {
        dataSource.close();
    }

    /** The JDBC driver for a URL; named explicitly because driver discovery depends on the class loader. */
    static String driverFor(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        if (lower.startsWith("jdbc:postgresql:")) {
            return "org.postgresql.Driver";
        }
        if (lower.startsWith("jdbc:h2:")) {
            return "org.h2.Driver";
        }
        throw new IllegalArgumentException("caravan.database.url must be a jdbc:postgresql: or jdbc:h2: URL, got "
                + redact(url));
    }

    /** The URL without query parameters or H2 settings, which may carry a password. */
    static String redact(String url) {
        int cut = url.length();
        for (char c : new char[]{'?', ';'}) {
            int at = url.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return url.substring(0, cut);
    }
}
