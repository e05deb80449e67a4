package dev.caravan.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The README's run command uses the embedded H2 database; the tests' Caravan uses PostgreSQL. This checks, without
 * Quarkus, that the shipped migrations apply on H2 and that every SQL statement in the shipped routes compiles there.
 */
class EmbeddedDatabaseTest {

    @Test
    void migrationsAndEveryShippedSqlStatementWorkOnH2(@TempDir Path dir) throws Exception {
        String url = DatabaseWiring.embeddedUrl(dir);
        Flyway.configure().dataSource(url, null, null).locations("filesystem:database/migrations").load().migrate();
        List<String> statements = shippedSqlStatements();
        assertThat(statements).as("sql statements in routes/").hasSizeGreaterThanOrEqualTo(3);
        try (Connection connection = DriverManager.getConnection(url)) {
            for (String sql : statements) {
                // Camel binds :#name and :#${expression} parameters as JDBC parameters.
                String jdbc = sql.replaceAll(":#(\\$\\{[^}]*\\}|\\w+)", "?");
                try (PreparedStatement statement = connection.prepareStatement(jdbc)) {
                    assertThat(statement).as(sql).isNotNull();
                }
            }
        }
    }

    @Test
    void driverAndRedactionFollowTheUrl() {
        assertThat(DatabaseWiring.driverFor("jdbc:postgresql://db:5432/caravan")).isEqualTo("org.postgresql.Driver");
        assertThat(DatabaseWiring.driverFor("jdbc:h2:file:/data/caravan")).isEqualTo("org.h2.Driver");
        assertThat(DatabaseWiring.redact("jdbc:postgresql://db/caravan?password=secret"))
                .isEqualTo("jdbc:postgresql://db/caravan");
        assertThat(DatabaseWiring.redact("jdbc:h2:file:/d;PASSWORD=secret")).isEqualTo("jdbc:h2:file:/d");
    }

    /** Statements of {@code sql:} endpoints (and their onConsume) in every route file under {@code routes/}. */
    static List<String> shippedSqlStatements() throws IOException {
        List<String> statements = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                Object yaml = new Load(LoadSettings.builder().build()).loadFromString(Files.readString(file));
                collect(yaml, statements);
            }
        }
        return statements;
    }

    private static void collect(Object node, List<String> statements) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                if (entry.getValue() instanceof String text) {
                    if ("uri".equals(entry.getKey()) && text.startsWith("sql:")) {
                        statements.add(text.substring("sql:".length()));
                    } else if ("onConsume".equals(entry.getKey())) {
                        statements.add(text);
                    }
                } else {
                    collect(entry.getValue(), statements);
                }
            }
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, statements));
        }
    }
}
