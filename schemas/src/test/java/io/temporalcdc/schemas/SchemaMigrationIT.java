package io.temporalcdc.schemas;

import static io.temporalcdc.schemas.TestDatabase.count;
import static io.temporalcdc.schemas.TestDatabase.rows;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Applies the migrations to fresh databases on a real PostgreSQL 15 and checks what they create. */
class SchemaMigrationIT {

    private static final List<String> TEMPORAL_TABLES = List.of(
            "activity_info_maps",
            "cleanup_log",
            "current_executions",
            "executions",
            "history_tree",
            "schema_migrations",
            "tasks",
            "timer_info_maps");
    private static final List<String> VISIBILITY_TABLES = List.of(
            "custom_search_attributes",
            "executions",
            "executions_2024_01",
            "executions_2024_02",
            "executions_template");

    private static String url;
    private static int appliedFirst;

    @BeforeAll
    static void applySchemaToAFreshDatabase() {
        url = TestDatabase.fresh("ddl");
        appliedFirst = SchemaMigrator.migrate(url, null, null);
    }

    @Test
    void shouldApplyEveryMigrationToAFreshDatabase() throws Exception {
        assertThat(appliedFirst).isEqualTo(SqlResourcesTest.MIGRATIONS.size());
        try (Connection c = TestDatabase.connect(url)) {
            assertThat(tables(c, "temporal")).containsExactlyElementsOf(TEMPORAL_TABLES);
            assertThat(tables(c, "temporal_visibility")).containsExactlyElementsOf(VISIBILITY_TABLES);
            assertThat(count(c, "SELECT count(*) FROM public.flyway_schema_history WHERE success"))
                    .isEqualTo(SqlResourcesTest.MIGRATIONS.size());
            assertThat(count(
                            c,
                            "SELECT count(*) FROM pg_matviews WHERE schemaname = 'temporal_visibility'"
                                    + " AND matviewname = 'workflow_metrics'"))
                    .isEqualTo(1);
            assertThat(rows(
                            c,
                            "SELECT n.nspname || '.' || p.proname || '(' || pg_get_function_identity_arguments(p.oid)"
                                    + " || ')' FROM pg_proc p JOIN pg_namespace n"
                                    + " ON n.oid = p.pronamespace WHERE n.nspname IN ('temporal', 'temporal_visibility')"
                                    + " ORDER BY p.proname"))
                    .extracting(r -> r.get(0))
                    .containsExactlyInAnyOrder(
                            "temporal.migrate_add_search_attribute()",
                            "temporal_visibility.cleanup_old_executions(retention_days integer)",
                            "temporal_visibility.create_monthly_partition()");
        }
    }

    @Test
    void shouldApplyNothingAndLeaveTheCatalogUnchangedWhenMigratedAgain() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            String before = TestDatabase.catalogFingerprint(c);
            long historyBefore = count(c, "SELECT count(*) FROM public.flyway_schema_history");

            assertThat(SchemaMigrator.migrate(url, "temporal", "")).isZero();

            assertThat(TestDatabase.catalogFingerprint(c)).isEqualTo(before);
            assertThat(count(c, "SELECT count(*) FROM public.flyway_schema_history"))
                    .isEqualTo(historyBefore);
        }
    }

    @Test
    void shouldGiveEveryVisibilityTableReplicaIdentityFull() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            assertThat(rows(c, """
                    SELECT c.relname || ':' || c.relreplident::text FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'temporal_visibility' AND c.relkind IN ('r', 'p') ORDER BY c.relname"""))
                    .extracting(r -> r.get(0))
                    .containsExactly(
                            "custom_search_attributes:f",
                            "executions:f",
                            "executions_2024_01:f",
                            "executions_2024_02:f",
                            "executions_template:f");
        }
    }

    @Test
    void shouldKeepTheVisibilityKeyAndMakeSearchAttributesJsonb() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            assertThat(TestDatabase.single(
                            c,
                            "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                    + " WHERE conrelid = 'temporal_visibility.executions'::regclass AND contype = 'p'"))
                    .isEqualTo("PRIMARY KEY (namespace_id, run_id)");
            assertThat(
                            TestDatabase.single(
                                    c,
                                    "SELECT pg_get_constraintdef(oid) FROM pg_constraint"
                                            + " WHERE conrelid = 'temporal_visibility.executions_template'::regclass AND contype = 'p'"))
                    .isEqualTo("PRIMARY KEY (namespace_id, run_id, start_time)");
            assertThat(
                            TestDatabase.single(
                                    c,
                                    "SELECT data_type FROM information_schema.columns WHERE table_schema"
                                            + " = 'temporal_visibility' AND table_name = 'executions' AND column_name = 'search_attributes'"))
                    .isEqualTo("jsonb");
            assertThat(TestDatabase.single(
                            c,
                            "SELECT pg_get_expr(indpred, indrelid) FROM pg_index"
                                    + " WHERE indexrelid = 'temporal_visibility.idx_executions_active'::regclass"))
                    .isEqualTo("(status = 1)");
        }
    }

    @Test
    void shouldStopAtTheFirstFailingMigrationAndKeepNothingOfIt() throws Exception {
        String broken = TestDatabase.fresh("ddl-broken");
        try (Connection c = TestDatabase.connect(broken)) {
            TestDatabase.execute(
                    c,
                    "CREATE SCHEMA temporal_visibility;"
                            + " CREATE TABLE temporal_visibility.executions (unrelated INTEGER)");

            assertThatThrownBy(() -> SchemaMigrator.migrate(broken, null, null))
                    .isInstanceOf(SchemaException.class)
                    .hasMessageContaining("executions");

            assertThat(tables(c, "temporal"))
                    .containsExactly(
                            "activity_info_maps",
                            "current_executions",
                            "executions",
                            "history_tree",
                            "tasks",
                            "timer_info_maps");
            assertThat(tables(c, "temporal_visibility")).containsExactly("executions");
            assertThat(count(
                            c,
                            "SELECT count(*) FROM public.flyway_schema_history WHERE success"
                                    + " AND version IS NOT NULL"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldAcceptSampleRowsInEveryTable() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            SampleRows.insertIntoEveryTable(c);

            for (String table : TEMPORAL_TABLES) {
                assertThat(count(c, "SELECT count(*) FROM temporal." + table))
                        .as(table)
                        .isPositive();
            }
            for (String table : VISIBILITY_TABLES) {
                assertThat(count(c, "SELECT count(*) FROM temporal_visibility." + table))
                        .as(table)
                        .isPositive();
            }
            assertThat(rows(
                            c,
                            "SELECT tableoid::regclass::text, count(*) FROM temporal_visibility.executions_template"
                                    + " GROUP BY 1 ORDER BY 1"))
                    .extracting(r -> r.get(0) + "=" + r.get(1))
                    .containsExactly(
                            "temporal_visibility.executions_2024_01=1", "temporal_visibility.executions_2024_02=1");
            assertThat(count(
                            c,
                            "SELECT octet_length(memo) FROM temporal_visibility.executions WHERE run_id = ?",
                            SampleRows.LARGE_RUN_ID))
                    .isGreaterThan(8192);
        }
    }

    private static List<String> tables(Connection c, String schema) throws Exception {
        return rows(
                        c,
                        "SELECT table_name FROM information_schema.tables WHERE table_schema = ?"
                                + " AND table_type = 'BASE TABLE' ORDER BY table_name COLLATE \"C\"",
                        schema)
                .stream()
                .map(r -> (String) r.get(0))
                .toList();
    }
}
