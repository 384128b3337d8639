-- Materialized view for dashboard metrics (seed: "Query Optimization").
-- Deviations (schemas/README.md): statuses follow Temporal's numbering (Completed 2, Failed 3, Canceled 4; the seed
-- counted 3, 4, 5); the 30-day window is taken in UTC, as the TIMESTAMP columns are; the unique index has a name.
-- REFRESH MATERIALIZED VIEW CONCURRENTLY works thanks to the unique index; it is scheduled by pg_cron where present
-- (V8) and otherwise by an external scheduler (schemas/README.md).
CREATE MATERIALIZED VIEW temporal_visibility.workflow_metrics AS
SELECT
    namespace_id,
    workflow_type_name,
    DATE(start_time) AS execution_date,
    COUNT(*) AS total_executions,
    COUNT(*) FILTER (WHERE status = 2) AS completed_executions,
    COUNT(*) FILTER (WHERE status = 3) AS failed_executions,
    COUNT(*) FILTER (WHERE status = 4) AS canceled_executions,
    AVG(EXTRACT(EPOCH FROM (close_time - start_time))) AS avg_duration_seconds,
    PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (close_time - start_time))) AS median_duration_seconds,
    PERCENTILE_CONT(0.95) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (close_time - start_time))) AS p95_duration_seconds
FROM temporal_visibility.executions
WHERE start_time >= (now() AT TIME ZONE 'UTC')::date - INTERVAL '30 days'
GROUP BY namespace_id, workflow_type_name, DATE(start_time);

CREATE UNIQUE INDEX workflow_metrics_key
    ON temporal_visibility.workflow_metrics(namespace_id, workflow_type_name, execution_date);
