package io.temporalcdc.demo;

import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.TaskQueueIds;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A Redis key the demo's cache readers fill, with its TTL and the one query that computes its value from PostgreSQL
 * (a single statement, so the value is one snapshot):
 *
 * <ul>
 *   <li>{@code wf_meta:{namespace_id}:{workflow_id}}: the workflow's rows in the five tables the invalidator watches
 *       for it — {@code executions} (each run's next event id and record version), {@code current_executions} (run,
 *       state, status), how many {@code activity_info_maps} and {@code timer_info_maps} rows, and each visibility
 *       row's status and history length; {@code absent} when there is none;
 *   <li>{@code tq_info:{namespace_id}:{task_queue}:1}: how many rows {@code temporal.tasks} holds for the workflow
 *       task queue.
 * </ul>
 *
 * @param key the Redis key
 * @param ttl the seed's TTL of its family
 * @param query computes its value
 */
record CachedKey(String key, Duration ttl, ValueQuery query) {

    static final String ABSENT = "absent";

    private static final String WORKFLOW = " WHERE shard_id = ? AND namespace_id = ? AND workflow_id = ?";
    private static final String WORKFLOW_META = "SELECT"
            + " (SELECT string_agg(rtrim(run_id) || ' ' || next_event_id || ' ' || db_record_version, ','"
            + " ORDER BY run_id) FROM temporal.executions" + WORKFLOW + "),"
            + " (SELECT rtrim(run_id) || ' ' || state || ' ' || status FROM temporal.current_executions" + WORKFLOW
            + "),"
            + " (SELECT count(*) FROM temporal.activity_info_maps" + WORKFLOW + "),"
            + " (SELECT count(*) FROM temporal.timer_info_maps" + WORKFLOW + "),"
            + " (SELECT string_agg(rtrim(run_id) || ' ' || status || ' ' || coalesce(history_length::text, '-'), ','"
            + " ORDER BY run_id) FROM temporal_visibility.executions WHERE namespace_id = ? AND workflow_id = ?)";
    private static final String TASK_QUEUE_INFO = "SELECT count(*) FROM temporal.tasks WHERE task_queue_id = ?";

    /** Reads a key's value on a connection. */
    @FunctionalInterface
    interface ValueQuery {
        String read(Connection connection) throws SQLException;
    }

    static CachedKey workflowMeta(TouchedWorkflow workflow) {
        return new CachedKey(workflow.workflowMetaKey(), RedisKeys.WF_META_TTL, c -> workflowMeta(c, workflow));
    }

    static CachedKey taskQueueInfo(TouchedWorkflow workflow) {
        byte[] id = TaskQueueIds.encode(workflow.namespaceId(), workflow.taskQueue(), TaskQueueIds.WORKFLOW);
        return new CachedKey(workflow.taskQueueInfoKey(), RedisKeys.TQ_INFO_TTL, c -> taskQueueInfo(c, id));
    }

    /** The value as the database holds it now. */
    String read(Connection connection) throws SQLException {
        return query.read(connection);
    }

    private static String workflowMeta(Connection connection, TouchedWorkflow workflow) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(WORKFLOW_META)) {
            int index = 1;
            for (int table = 0; table < 4; table++) {
                statement.setInt(index++, workflow.shardId());
                statement.setString(index++, workflow.namespaceId());
                statement.setString(index++, workflow.workflowId());
            }
            statement.setString(index++, workflow.namespaceId());
            statement.setString(index, workflow.workflowId());
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return workflowMetaValue(
                        row.getString(1), row.getString(2), row.getLong(3), row.getLong(4), row.getString(5));
            }
        }
    }

    /** The canonical text of a workflow's rows; {@link #ABSENT} when it has none. */
    static String workflowMetaValue(
            String executions, String current, long activities, long timers, String visibility) {
        if (executions == null && current == null && activities == 0 && timers == 0 && visibility == null) {
            return ABSENT;
        }
        return "executions=" + none(executions) + ";current=" + none(current) + ";activities=" + activities + ";timers="
                + timers + ";visibility=" + none(visibility);
    }

    private static String none(String value) {
        return value == null ? "-" : value;
    }

    private static String taskQueueInfo(Connection connection, byte[] taskQueueId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TASK_QUEUE_INFO)) {
            statement.setBytes(1, taskQueueId);
            try (ResultSet row = statement.executeQuery()) {
                row.next();
                return "tasks=" + row.getLong(1);
            }
        }
    }
}
