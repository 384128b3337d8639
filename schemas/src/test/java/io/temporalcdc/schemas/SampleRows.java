package io.temporalcdc.schemas;

import static io.temporalcdc.schemas.TestDatabase.update;

import java.sql.Connection;
import java.sql.SQLException;

/** One sample row in every table of both schemas, written the way Temporal writes them. */
final class SampleRows {

    static final String NAMESPACE = "sample-namespace";
    static final String LARGE_RUN_ID = "sample-run-large";

    private static final byte[] BLOB = {1, 2, 3};

    private SampleRows() {}

    static void insertIntoEveryTable(Connection c) throws SQLException {
        insertDefaultStore(c);
        insertVisibility(c);
        update(
                c,
                "INSERT INTO temporal.cleanup_log (cleanup_date, table_name, deleted_rows, retention_days)"
                        + " VALUES (now() AT TIME ZONE 'UTC', 'sample', 0, 90)");
        update(
                c,
                "INSERT INTO temporal.schema_migrations (version, checksum, description)"
                        + " VALUES ('0.0.1_sample', 'sample', 'a sample row')");
    }

    private static void insertDefaultStore(Connection c) throws SQLException {
        update(
                c,
                "INSERT INTO temporal.executions (shard_id, namespace_id, workflow_id, run_id, next_event_id,"
                        + " last_write_version, data, data_encoding, state, state_encoding) VALUES"
                        + " (1, ?, 'wf-1', 'run-1', 5, 1, ?, 'Proto3', ?, 'Proto3')",
                NAMESPACE,
                BLOB,
                BLOB);
        update(
                c,
                "INSERT INTO temporal.current_executions (shard_id, namespace_id, workflow_id, run_id,"
                        + " create_request_id, state, status, start_version, last_write_version) VALUES"
                        + " (1, ?, 'wf-1', 'run-1', 'request-1', 2, 1, 0, 1)",
                NAMESPACE);
        update(
                c,
                "INSERT INTO temporal.history_tree (shard_id, tree_id, branch_id, data, data_encoding)"
                        + " VALUES (1, 'run-1', 'branch-1', ?, 'Proto3')",
                BLOB);
        update(
                c,
                "INSERT INTO temporal.tasks (range_hash, task_queue_id, task_id, data, data_encoding)"
                        + " VALUES (42, ?, 1, ?, 'Proto3')",
                BLOB,
                BLOB);
        update(
                c,
                "INSERT INTO temporal.activity_info_maps (shard_id, namespace_id, workflow_id, run_id,"
                        + " schedule_id, data, data_encoding, last_heartbeat_updated_time) VALUES"
                        + " (1, ?, 'wf-1', 'run-1', 7, ?, 'Proto3', now() AT TIME ZONE 'UTC')",
                NAMESPACE,
                BLOB);
        update(
                c,
                "INSERT INTO temporal.timer_info_maps (shard_id, namespace_id, workflow_id, run_id, timer_id,"
                        + " data, data_encoding) VALUES (1, ?, 'wf-1', 'run-1', 'timer-1', ?, 'Proto3')",
                NAMESPACE,
                BLOB);
    }

    private static void insertVisibility(Connection c) throws SQLException {
        Visibility.insertStartedDaysAgo(c, NAMESPACE, "run-1", "SampleWorkflow", 1, 0, null);
        update(
                c,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                        + " workflow_id, workflow_type_name, status, memo, encoding, search_attributes) VALUES"
                        + " (?, ?, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', 'wf-large', 'SampleWorkflow', 1,"
                        + " ?, 'binary/plain', ?::jsonb)",
                NAMESPACE,
                LARGE_RUN_ID,
                new byte[20_000],
                "{\"CustomStringField\":\"" + "x".repeat(10_000) + "\"}");
        update(
                c,
                "INSERT INTO temporal_visibility.custom_search_attributes (namespace_id, run_id, search_attributes)"
                        + " VALUES (?, 'run-1', '{\"CustomBoolField\": true}'::jsonb)",
                NAMESPACE);
        for (String start : new String[] {"2024-01-15 10:00:00", "2024-02-20 10:00:00"}) {
            update(
                    c,
                    "INSERT INTO temporal_visibility.executions_template (namespace_id, run_id, start_time,"
                            + " execution_time, workflow_id, workflow_type_name, status) VALUES"
                            + " (?, ?, ?::timestamp, ?::timestamp, 'wf-archive', 'SampleWorkflow', 2)",
                    NAMESPACE,
                    "run-" + start.substring(0, 7),
                    start,
                    start);
        }
    }
}
