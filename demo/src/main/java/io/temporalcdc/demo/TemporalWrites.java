package io.temporalcdc.demo;

import io.temporalcdc.schemas.TaskQueueIds;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.LocalDateTime;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The statements Temporal's persistence issues for one workflow run, against the {@code temporal}
 * store and the {@code temporal_visibility.executions} row. Every method runs inside the caller's
 * transaction and returns the number of rows it changed.
 */
final class TemporalWrites {

    private static final String ENCODING = "proto3";
    private static final AtomicLong TASK_IDS = new AtomicLong(System.currentTimeMillis() * 1000);

    private TemporalWrites() {}

    /** A run starts: mutable state, current execution, history branch, a workflow task, the visibility row (Running). */
    static int start(Connection c, WorkflowRun run, WorkloadData.Memo memo, String searchAttributes)
            throws SQLException {
        int rows = update(
                c,
                "INSERT INTO temporal.executions (shard_id, namespace_id, workflow_id, run_id, next_event_id,"
                        + " last_write_version, data, data_encoding, state, state_encoding, db_record_version)"
                        + " VALUES (?, ?, ?, ?, 3, 0, ?, ?, ?, ?, 1)",
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId(),
                WorkloadData.blob(64),
                ENCODING,
                WorkloadData.blob(32),
                ENCODING);
        rows += update(
                c,
                "INSERT INTO temporal.current_executions (shard_id, namespace_id, workflow_id, run_id,"
                        + " create_request_id, state, status, start_version, last_write_version) VALUES (?, ?, ?, ?, ?, 1, 1, 0, 0)"
                        + " ON CONFLICT (shard_id, namespace_id, workflow_id) DO UPDATE SET run_id = EXCLUDED.run_id,"
                        + " create_request_id = EXCLUDED.create_request_id, state = 1, status = 1",
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId(),
                UUID.randomUUID().toString());
        rows += update(
                c,
                "INSERT INTO temporal.history_tree (shard_id, tree_id, branch_id, data, data_encoding)"
                        + " VALUES (?, ?, ?, ?, ?)",
                run.shardId(),
                run.runId(),
                UUID.randomUUID().toString(),
                WorkloadData.blob(48),
                ENCODING);
        rows += addTask(c, run);
        rows += update(
                c,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                        + " workflow_id, workflow_type_name, status, close_time, history_length, memo, encoding, task_queue,"
                        + " search_attributes) VALUES (?, ?, ?, ?, ?, ?, 1, NULL, NULL, ?, ?, ?, CAST(? AS jsonb))",
                run.namespaceId(),
                run.runId(),
                run.startTime(),
                run.executionTime(),
                run.workflowId(),
                run.workflowType(),
                memo.data(),
                memo.encoding(),
                run.taskQueue(),
                searchAttributes);
        return rows;
    }

    /** Progress: events appended, an activity and a timer scheduled, the task consumed and a new one added. */
    static int progress(Connection c, WorkflowRun run, int step, long historyLength, String searchAttributes)
            throws SQLException {
        int rows = update(
                c,
                "UPDATE temporal.executions SET next_event_id = ?, db_record_version = db_record_version + 1,"
                        + " state = ? WHERE shard_id = ? AND namespace_id = ? AND workflow_id = ? AND run_id = ?",
                historyLength + 1,
                WorkloadData.blob(32),
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId());
        rows += update(
                c,
                "INSERT INTO temporal.activity_info_maps (shard_id, namespace_id, workflow_id, run_id,"
                        + " schedule_id, data, data_encoding, last_heartbeat_updated_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId(),
                historyLength,
                WorkloadData.blob(40),
                ENCODING,
                Clock.nowUtc());
        rows += update(
                c,
                "INSERT INTO temporal.timer_info_maps (shard_id, namespace_id, workflow_id, run_id, timer_id,"
                        + " data, data_encoding) VALUES (?, ?, ?, ?, ?, ?, ?)",
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId(),
                "timer-" + step,
                WorkloadData.blob(24),
                ENCODING);
        rows += removeTasks(c, run);
        rows += addTask(c, run);
        rows += update(
                c,
                "UPDATE temporal.history_tree SET data = ? WHERE shard_id = ? AND tree_id = ?",
                WorkloadData.blob(48),
                run.shardId(),
                run.runId());
        rows += searchAttributes == null
                ? update(
                        c,
                        "UPDATE temporal_visibility.executions SET history_length = ?"
                                + " WHERE namespace_id = ? AND run_id = ?",
                        historyLength,
                        run.namespaceId(),
                        run.runId())
                : update(
                        c,
                        "UPDATE temporal_visibility.executions SET history_length = ?,"
                                + " search_attributes = CAST(? AS jsonb) WHERE namespace_id = ? AND run_id = ?",
                        historyLength,
                        searchAttributes,
                        run.namespaceId(),
                        run.runId());
        return rows;
    }

    /** The run closes with {@code status}: pending activities, timers and tasks go, the visibility row closes. */
    static int close(Connection c, WorkflowRun run, int status, long historyLength, LocalDateTime closeTime)
            throws SQLException {
        Object[] key = {run.shardId(), run.namespaceId(), run.workflowId(), run.runId()};
        String where = " WHERE shard_id = ? AND namespace_id = ? AND workflow_id = ? AND run_id = ?";
        int rows = update(c, "DELETE FROM temporal.activity_info_maps" + where, key);
        rows += update(c, "DELETE FROM temporal.timer_info_maps" + where, key);
        rows += removeTasks(c, run);
        rows += update(
                c,
                "UPDATE temporal.executions SET next_event_id = ?, db_record_version = db_record_version + 1" + where,
                historyLength + 1,
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId());
        rows += update(
                c,
                "UPDATE temporal.current_executions SET state = 3, status = ?, last_write_version = 1" + where,
                status,
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId());
        rows += update(
                c,
                "UPDATE temporal_visibility.executions SET status = ?, close_time = ?, history_length = ?"
                        + " WHERE namespace_id = ? AND run_id = ?",
                status,
                closeTime,
                historyLength,
                run.namespaceId(),
                run.runId());
        return rows;
    }

    /** The workflow is deleted (DeleteWorkflowExecution / retention): its mutable state and visibility row go. */
    static int delete(Connection c, WorkflowRun run) throws SQLException {
        int rows = update(
                c,
                "DELETE FROM temporal.executions WHERE shard_id = ? AND namespace_id = ? AND workflow_id = ?"
                        + " AND run_id = ?",
                run.shardId(),
                run.namespaceId(),
                run.workflowId(),
                run.runId());
        rows += update(
                c, "DELETE FROM temporal.history_tree WHERE shard_id = ? AND tree_id = ?", run.shardId(), run.runId());
        rows += update(
                c,
                "DELETE FROM temporal_visibility.executions WHERE namespace_id = ? AND run_id = ?",
                run.namespaceId(),
                run.runId());
        return rows;
    }

    private static int addTask(Connection c, WorkflowRun run) throws SQLException {
        return update(
                c,
                "INSERT INTO temporal.tasks (range_hash, task_queue_id, task_id, data, data_encoding)"
                        + " VALUES (?, ?, ?, ?, ?)",
                (long) run.shardId(),
                taskQueueId(run),
                TASK_IDS.incrementAndGet(),
                runIdBytes(run),
                ENCODING);
    }

    private static int removeTasks(Connection c, WorkflowRun run) throws SQLException {
        return update(
                c,
                "DELETE FROM temporal.tasks WHERE range_hash = ? AND task_queue_id = ? AND data = ?",
                (long) run.shardId(),
                taskQueueId(run),
                runIdBytes(run));
    }

    /** Temporal's encoding of a workflow task queue (see {@link TaskQueueIds}). */
    private static byte[] taskQueueId(WorkflowRun run) {
        return TaskQueueIds.encode(run.namespaceId(), run.taskQueue(), TaskQueueIds.WORKFLOW);
    }

    private static byte[] runIdBytes(WorkflowRun run) {
        return run.runId().getBytes(StandardCharsets.UTF_8);
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement statement = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                bind(statement, i + 1, params[i]);
            }
            return statement.executeUpdate();
        }
    }

    private static void bind(PreparedStatement statement, int index, Object value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.OTHER);
        } else if (value instanceof byte[] bytes) {
            statement.setBytes(index, bytes);
        } else {
            statement.setObject(index, value);
        }
    }
}
