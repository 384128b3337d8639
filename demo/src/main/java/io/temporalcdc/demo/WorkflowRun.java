package io.temporalcdc.demo;

import java.time.LocalDateTime;

/**
 * One run of a workflow as the generator tracks it between its transactions.
 *
 * @param shardId Temporal history shard of the workflow id
 * @param namespaceId the namespace uuid
 * @param workflowId the workflow id, shared by all runs of a continued-as-new chain
 * @param runId this run's uuid
 * @param workflowType the workflow type name
 * @param taskQueue the task queue
 * @param startTime when the run started (UTC)
 * @param executionTime when it starts executing: the start time, or later for a delayed start
 */
record WorkflowRun(
        int shardId,
        String namespaceId,
        String workflowId,
        String runId,
        String workflowType,
        String taskQueue,
        LocalDateTime startTime,
        LocalDateTime executionTime) {

    /** The next run of a continued-as-new workflow: same id, namespace and type, a new run id. */
    WorkflowRun continuedAs(String newRunId, LocalDateTime newStart) {
        return new WorkflowRun(shardId, namespaceId, workflowId, newRunId, workflowType, taskQueue, newStart, newStart);
    }
}
