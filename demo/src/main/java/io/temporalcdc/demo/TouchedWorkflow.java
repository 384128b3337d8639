package io.temporalcdc.demo;

import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.TaskQueueIds;

/**
 * A workflow the generator just wrote to, with what locates its rows and its Redis keys.
 *
 * @param shardId its history shard (the first column of the {@code temporal} tables' primary keys)
 * @param namespaceId the namespace uuid
 * @param workflowId the workflow id
 * @param taskQueue the workflow task queue its tasks go to
 */
record TouchedWorkflow(int shardId, String namespaceId, String workflowId, String taskQueue) {

    static TouchedWorkflow of(WorkflowRun run) {
        return new TouchedWorkflow(run.shardId(), run.namespaceId(), run.workflowId(), run.taskQueue());
    }

    /** {@code wf_meta:{namespace_id}:{workflow_id}}. */
    String workflowMetaKey() {
        return RedisKeys.workflowMeta(namespaceId, workflowId);
    }

    /** {@code tq_info:{namespace_id}:{task_queue}:1}: the generator only writes workflow tasks. */
    String taskQueueInfoKey() {
        return RedisKeys.taskQueueInfo(namespaceId, taskQueue, TaskQueueIds.WORKFLOW);
    }
}
