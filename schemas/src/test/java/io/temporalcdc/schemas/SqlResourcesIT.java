package io.temporalcdc.schemas;

import static io.temporalcdc.schemas.TestDatabase.count;
import static io.temporalcdc.schemas.TestDatabase.execute;
import static io.temporalcdc.schemas.TestDatabase.rows;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the resources the migrations do not apply (monitoring, replication, postgresql.conf) on PostgreSQL 15. */
class SqlResourcesIT {

    private static String url;

    @BeforeAll
    static void migratedDatabaseWithSampleRows() throws Exception {
        url = TestDatabase.fresh("ddl-resources");
        SchemaMigrator.migrate(url, null, null);
        try (Connection c = TestDatabase.connect(url)) {
            SampleRows.insertIntoEveryTable(c);
        }
    }

    @Test
    void shouldRunEveryMonitoringQuery() throws Exception {
        List<String> statements = statements(SqlResourcesTest.resource("sql/monitoring.sql"));
        assertThat(statements).hasSize(8);
        List<Integer> columns = new ArrayList<>();
        try (Connection c = TestDatabase.connect(url);
                Statement statement = c.createStatement()) {
            for (String sql : statements) {
                if (statement.execute(sql)) {
                    try (ResultSet rs = statement.getResultSet()) {
                        columns.add(rs.getMetaData().getColumnCount());
                    }
                }
            }
            assertThat(count(c, "SELECT count(*) FROM pg_extension WHERE extname = 'pg_stat_statements'"))
                    .isEqualTo(1);
        }
        assertThat(columns).containsExactly(11, 7, 7, 7, 4, 10, 6);
    }

    @Test
    void shouldReportTableActivityOfBothSchemas() throws Exception {
        String tableActivity =
                statements(SqlResourcesTest.resource("sql/monitoring.sql")).get(1);
        try (Connection c = TestDatabase.connect(url)) {
            assertThat(rows(c, "SELECT schemaname || '.' || tablename FROM (" + tableActivity + ") t"))
                    .extracting(r -> r.get(0))
                    .contains("temporal.executions", "temporal_visibility.executions", "temporal.cleanup_log");
        }
    }

    @Test
    void shouldPublishBothSchemasThroughThePartitionRoot() throws Exception {
        String publication =
                statements(SqlResourcesTest.resource("sql/replication.sql")).get(0);
        try (Connection c = TestDatabase.connect(url)) {
            execute(c, publication);
            try {
                assertThat(rows(
                                c,
                                "SELECT schemaname || '.' || tablename FROM pg_publication_tables"
                                        + " WHERE pubname = 'temporal_pub'"))
                        .extracting(r -> r.get(0))
                        .contains(
                                "temporal.executions",
                                "temporal.cleanup_log",
                                "temporal_visibility.executions",
                                "temporal_visibility.executions_template")
                        .doesNotContain("temporal_visibility.executions_2024_01");
            } finally {
                execute(c, "DROP PUBLICATION temporal_pub");
            }
        }
    }

    @Test
    void shouldNameOnlyRealPostgres15SettingsInTheConfSnippet() throws Exception {
        Matcher setting =
                Pattern.compile("(?m)^([a-z_]+) = ").matcher(SqlResourcesTest.resource("sql/postgresql.conf"));
        List<String> names = new ArrayList<>();
        while (setting.find()) {
            names.add(setting.group(1));
        }
        assertThat(names).hasSizeGreaterThan(30).contains("wal_level", "max_replication_slots");
        try (Connection c = TestDatabase.connect(url)) {
            for (String name : names) {
                assertThat(count(c, "SELECT count(*) FROM pg_settings WHERE name = ?", name))
                        .as(name)
                        .isEqualTo(1);
            }
        }
    }

    /** The statements of a script written one statement per block, each ending with ';' at a line's end. */
    static List<String> statements(String script) {
        String code = SqlResourcesTest.code(script);
        List<String> statements = new ArrayList<>();
        for (String part : code.split(";\\s*(\\n|$)")) {
            if (!part.isBlank()) {
                statements.add(part.strip());
            }
        }
        return statements;
    }
}
