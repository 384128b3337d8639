package io.temporalcdc.cdcsource;

/** SQL for sample rows of Temporal's tables. */
final class Rows {

    private Rows() {}

    static String insertVisibility(String namespaceId, String runId, String workflowId, int status) {
        return "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time, workflow_id,"
                + " workflow_type_name, status, memo, encoding, task_queue, search_attributes) VALUES ('"
                + namespaceId + "', '" + runId + "', '2024-01-01 00:00:00', '2024-01-01 00:00:01', '" + workflowId
                + "', 'OrderWorkflow', " + status + ", '\\x7b7d', 'json/plain', 'orders',"
                + " '{\"CustomKeywordField\":\"a\"}')";
    }

    /** {@code count} visibility rows in one statement, run ids {@code <prefix>-<i>}. */
    static String insertVisibilityBatch(String runIdPrefix, int from, int count) {
        return "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time, workflow_id,"
                + " workflow_type_name, status) SELECT 'ns-bulk', '" + runIdPrefix
                + "-' || i, now(), now(), 'wf-' || i,"
                + " 'BulkWorkflow', 1 FROM generate_series(" + from + ", " + (from + count - 1) + ") AS i";
    }

    /** A row of the partitioned visibility table, in its January 2024 partition. */
    static String insertPartitioned(String runId) {
        return "INSERT INTO temporal_visibility.executions_template (namespace_id, run_id, start_time, execution_time,"
                + " workflow_id, workflow_type_name, status) VALUES ('ns-p', '" + runId + "', '2024-01-15 00:00:00',"
                + " '2024-01-15 00:00:00', 'wf-p', 'PartitionedWorkflow', 1)";
    }
}
