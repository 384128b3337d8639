-- Performance indexes (seed: "Index Strategy").
-- Deviations (schemas/README.md): no CONCURRENTLY - a migration runs in a transaction, where
-- CREATE INDEX CONCURRENTLY is refused, and the table is new; the partial "active" index covers Running (1) only,
-- following Temporal's WorkflowExecutionStatus (the seed's "1, 2" meant Running and ContinuedAsNew, but
-- ContinuedAsNew is a closed status, and 2 is Completed).

-- Composite indexes for common query patterns
CREATE INDEX idx_executions_composite_status
    ON temporal_visibility.executions(namespace_id, status, start_time DESC);

CREATE INDEX idx_executions_composite_type
    ON temporal_visibility.executions(namespace_id, workflow_type_name, start_time DESC);

CREATE INDEX idx_executions_composite_queue
    ON temporal_visibility.executions(namespace_id, task_queue, start_time DESC);

-- Partial index for active workflows: Running (1)
CREATE INDEX idx_executions_active
    ON temporal_visibility.executions(namespace_id, start_time DESC)
    WHERE status = 1;

-- Functional index for duration queries
CREATE INDEX idx_executions_duration
    ON temporal_visibility.executions(namespace_id, (close_time - start_time))
    WHERE close_time IS NOT NULL;
