package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Static checks of the SQL resources; SchemaMigrationIT runs them on a real PostgreSQL. */
class SqlResourcesTest {

    static final List<String> MIGRATIONS = List.of(
            "V1__temporal_default_store.sql",
            "V2__visibility_store.sql",
            "V3__visibility_monthly_partitions.sql",
            "V4__visibility_performance_indexes.sql",
            "V5__workflow_metrics_view.sql",
            "V6__retention.sql",
            "V7__schema_migrations.sql",
            "V8__pg_cron_schedules.sql");

    @Test
    void shouldEnableLogicalDecodingInThePostgresqlConfSnippet() {
        String conf = resource("sql/postgresql.conf");
        assertThat(conf).containsPattern("(?m)^wal_level = logical\\b");
        assertThat(conf).doesNotContainPattern("(?m)^\\s*--").doesNotContainPattern("(?m)^wal_level = 'replica'");
        assertThat(conf).doesNotContainPattern("(?m)^shared_preload_libraries = '[^']*pg_cron");
    }

    @Test
    void shouldNeverCreateIndexesConcurrentlyInsideMigrations() {
        for (String migration : MIGRATIONS) {
            assertThat(code(resource("db/migration/" + migration)))
                    .as(migration)
                    .doesNotContainPattern("(?i)CONCURRENTLY\\s+(IF\\s+NOT\\s+EXISTS\\s+)?idx");
        }
    }

    @Test
    void shouldScheduleWithPgCronOnlyWhenTheExtensionExists() {
        String cron = code(resource("db/migration/V8__pg_cron_schedules.sql"));
        assertThat(cron).contains("IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron')");
        for (String migration : MIGRATIONS.subList(0, MIGRATIONS.size() - 1)) {
            assertThat(code(resource("db/migration/" + migration)))
                    .as(migration)
                    .doesNotContain("cron.");
        }
    }

    @Test
    void shouldUsePostgres13StatisticsColumnNames() {
        String monitoring = code(resource("sql/monitoring.sql"));
        assertThat(monitoring)
                .contains("total_exec_time", "mean_exec_time", "stddev_exec_time")
                .doesNotContainPattern("\\b(total|mean|stddev)_time\\b");
    }

    @Test
    void shouldPublishWithPostgres15Syntax() {
        String replication = code(resource("sql/replication.sql"));
        assertThat(replication)
                .contains("FOR TABLES IN SCHEMA temporal, temporal_visibility")
                .doesNotContain("FOR ALL TABLES IN SCHEMA");
    }

    @Test
    void shouldShipEveryMigrationOnTheClasspath() {
        assertThat(MIGRATIONS)
                .allSatisfy(m -> assertThat(resource("db/migration/" + m)).isNotBlank());
    }

    static String resource(String name) {
        try (InputStream in = SqlResourcesTest.class.getClassLoader().getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The SQL without its line comments. */
    static String code(String sql) {
        Pattern comment = Pattern.compile("--.*$");
        return String.join(
                "\n",
                Stream.of(sql.split("\n"))
                        .map(l -> comment.matcher(l).replaceAll(""))
                        .toList());
    }
}
