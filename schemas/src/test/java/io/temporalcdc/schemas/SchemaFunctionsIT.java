package io.temporalcdc.schemas;

import static io.temporalcdc.schemas.TestDatabase.count;
import static io.temporalcdc.schemas.TestDatabase.execute;
import static io.temporalcdc.schemas.TestDatabase.rows;
import static io.temporalcdc.schemas.TestDatabase.single;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the view refresh, the retention function, the partition function and the seed's migration function. */
class SchemaFunctionsIT {

    private static final String METRICS = """
            SELECT total_executions, completed_executions, failed_executions, canceled_executions,
                   round(avg_duration_seconds, 3), median_duration_seconds
            FROM temporal_visibility.workflow_metrics WHERE namespace_id = ? AND workflow_type_name = ?""";

    private String url;

    @BeforeEach
    void freshSchema() {
        url = TestDatabase.fresh("ddl-functions");
        SchemaMigrator.migrate(url, null, null);
    }

    @Test
    void shouldCountStatusesInTheMetricsViewByTemporalsNumbering() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            // Running, Completed x2, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut; durations 10..70 s
            Visibility.insertStartedYesterday(c, "ns-a", "r0", "OrderWorkflow", 1, 0, null);
            int[] closed = {2, 2, 3, 4, 5, 6, 7};
            for (int i = 0; i < closed.length; i++) {
                Visibility.insertStartedYesterday(
                        c, "ns-a", "r" + (i + 1), "OrderWorkflow", closed[i], i + 1, (i + 1) * 10);
            }
            Visibility.insertStartedYesterday(c, "ns-a", "other", "PaymentWorkflow", 3, 1, 5);

            execute(c, "REFRESH MATERIALIZED VIEW temporal_visibility.workflow_metrics");
            assertThat(rows(c, METRICS, "ns-a", "OrderWorkflow"))
                    .containsExactly(List.of(8L, 2L, 1L, 1L, new BigDecimal("40.000"), 40.0));
            assertThat(rows(c, METRICS, "ns-a", "PaymentWorkflow"))
                    .containsExactly(List.of(1L, 0L, 1L, 0L, new BigDecimal("5.000"), 5.0));

            Visibility.insertStartedYesterday(c, "ns-a", "r8", "OrderWorkflow", 2, 9, 120);
            Visibility.insertStartedYesterday(c, "ns-a", "r9", "OrderWorkflow", 4, 10, 120);
            execute(c, "REFRESH MATERIALIZED VIEW CONCURRENTLY temporal_visibility.workflow_metrics");
            assertThat(rows(c, METRICS, "ns-a", "OrderWorkflow"))
                    .containsExactly(List.of(10L, 3L, 1L, 2L, new BigDecimal("57.778"), 50.0));
        }
    }

    @Test
    void shouldDeleteOnlyClosedRowsOlderThanTheCutoffAndLogIt() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            for (int status = 2; status <= 7; status++) {
                Visibility.insertStartedDaysAgo(c, "ns-r", "old-closed-" + status, "T", status, 120, 3600);
            }
            Visibility.insertStartedDaysAgo(c, "ns-r", "old-running", "T", 1, 120, null);
            Visibility.insertStartedDaysAgo(c, "ns-r", "old-running-with-close-time", "T", 1, 120, 3600);
            Visibility.insertStartedDaysAgo(c, "ns-r", "recent-closed", "T", 2, 10, 3600);

            assertThat(single(c, "SELECT temporal_visibility.cleanup_old_executions()"))
                    .isEqualTo(6);

            assertThat(
                            rows(
                                    c,
                                    "SELECT trim(run_id) FROM temporal_visibility.executions ORDER BY trim(run_id) COLLATE \"C\""))
                    .extracting(r -> r.get(0))
                    .containsExactly("old-running", "old-running-with-close-time", "recent-closed");
            assertThat(rows(c, "SELECT table_name, deleted_rows, retention_days FROM temporal.cleanup_log"))
                    .containsExactly(List.of("temporal_visibility.executions", 6, 90));

            assertThat(single(c, "SELECT temporal_visibility.cleanup_old_executions(5)"))
                    .isEqualTo(1);
            assertThat(count(
                            c,
                            "SELECT count(*) FROM temporal.cleanup_log WHERE retention_days = 5"
                                    + " AND deleted_rows = 1"))
                    .isEqualTo(1);
        }
    }

    @Test
    void shouldCreateNextMonthsPartitionOnceAndRouteRowsIntoIt() throws Exception {
        try (Connection c = TestDatabase.connect(url)) {
            String next = (String) single(
                    c,
                    "SELECT 'executions_' || to_char(date_trunc('month',"
                            + " (now() AT TIME ZONE 'UTC')::date + interval '1 month'), 'YYYY_MM')");

            execute(c, "SELECT temporal_visibility.create_monthly_partition()");
            String catalog = TestDatabase.catalogFingerprint(c);
            execute(c, "SELECT temporal_visibility.create_monthly_partition()");

            assertThat(TestDatabase.catalogFingerprint(c)).isEqualTo(catalog);
            assertThat(rows(
                            c,
                            "SELECT c.relname, c.relreplident FROM pg_inherits i JOIN pg_class c"
                                    + " ON c.oid = i.inhrelid WHERE i.inhparent = 'temporal_visibility.executions_template'::regclass"
                                    + " ORDER BY c.relname"))
                    .extracting(r -> r.get(0) + ":" + r.get(1))
                    .containsExactly("executions_2024_01:f", "executions_2024_02:f", next + ":f");
            TestDatabase.update(
                    c,
                    "INSERT INTO temporal_visibility.executions_template (namespace_id, run_id,"
                            + " start_time, execution_time, workflow_id, workflow_type_name, status) SELECT 'ns', 'r', t, t,"
                            + " 'wf', 'T', 1 FROM (SELECT date_trunc('month', (now() AT TIME ZONE 'UTC') + interval '1 month')"
                            + " + interval '1 hour' AS t) x");
            assertThat(single(c, "SELECT tableoid::regclass::text FROM temporal_visibility.executions_template"))
                    .isEqualTo("temporal_visibility." + next);
        }
    }

    @Test
    void shouldShipTheSeedsSearchAttributeMigrationWithoutRunningIt() throws Exception {
        String customerId = "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'temporal_visibility'"
                + " AND table_name = 'executions' AND column_name = 'customer_id'";
        try (Connection c = TestDatabase.connect(url)) {
            assertThat(count(c, customerId)).isZero();
            assertThat(count(c, "SELECT count(*) FROM temporal.schema_migrations"))
                    .isZero();

            c.setAutoCommit(false);
            execute(c, "SELECT temporal.migrate_add_search_attribute()");
            execute(c, "SELECT temporal.migrate_add_search_attribute()");
            assertThat(count(c, customerId)).isEqualTo(1);
            assertThat(count(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'idx_executions_customer_id'"))
                    .isEqualTo(1);
            assertThat(rows(c, "SELECT version, checksum FROM temporal.schema_migrations"))
                    .containsExactly(List.of("1.20.0_add_customer_id", "abc123def456"));
            c.rollback();
            c.setAutoCommit(true);

            assertThat(count(c, customerId)).isZero();
        }
    }
}
