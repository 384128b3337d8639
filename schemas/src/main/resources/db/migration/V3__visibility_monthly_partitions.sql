-- Monthly partitioning (seed: "Time-based Partitioning").
-- Deviations (schemas/README.md): a primary key of a partitioned table must include the partition column, so the
-- template does not copy the executions key and index set (LIKE ... EXCLUDING INDEXES) but declares
-- PRIMARY KEY (namespace_id, run_id, start_time) and the same secondary indexes itself; the partition function is
-- schema-qualified, works in UTC, and gives each new partition REPLICA IDENTITY FULL like the other visibility tables.
CREATE TABLE temporal_visibility.executions_template (
    LIKE temporal_visibility.executions INCLUDING ALL EXCLUDING INDEXES,
    PRIMARY KEY (namespace_id, run_id, start_time)
) PARTITION BY RANGE (start_time);

CREATE INDEX idx_executions_template_start_time ON temporal_visibility.executions_template(namespace_id, start_time DESC);
CREATE INDEX idx_executions_template_close_time ON temporal_visibility.executions_template(namespace_id, close_time DESC);
CREATE INDEX idx_executions_template_workflow_id ON temporal_visibility.executions_template(namespace_id, workflow_id);
CREATE INDEX idx_executions_template_workflow_type ON temporal_visibility.executions_template(namespace_id, workflow_type_name);
CREATE INDEX idx_executions_template_status ON temporal_visibility.executions_template(namespace_id, status);
CREATE INDEX idx_executions_template_task_queue ON temporal_visibility.executions_template(namespace_id, task_queue);
CREATE INDEX idx_executions_template_search_attributes ON temporal_visibility.executions_template USING GIN(search_attributes);

ALTER TABLE temporal_visibility.executions_template REPLICA IDENTITY FULL;

-- Create monthly partitions
CREATE TABLE temporal_visibility.executions_2024_01
    PARTITION OF temporal_visibility.executions_template
    FOR VALUES FROM ('2024-01-01') TO ('2024-02-01');

CREATE TABLE temporal_visibility.executions_2024_02
    PARTITION OF temporal_visibility.executions_template
    FOR VALUES FROM ('2024-02-01') TO ('2024-03-01');

ALTER TABLE temporal_visibility.executions_2024_01 REPLICA IDENTITY FULL;
ALTER TABLE temporal_visibility.executions_2024_02 REPLICA IDENTITY FULL;

-- Automated partition management: creates next month's partition (UTC); calling it again is a no-op.
CREATE OR REPLACE FUNCTION temporal_visibility.create_monthly_partition() RETURNS void AS $$
DECLARE
    partition_date date;
    partition_name text;
    start_date text;
    end_date text;
BEGIN
    partition_date := date_trunc('month', (now() AT TIME ZONE 'UTC')::date + interval '1 month');
    partition_name := 'executions_' || to_char(partition_date, 'YYYY_MM');
    start_date := partition_date::text;
    end_date := (partition_date + interval '1 month')::date::text;

    EXECUTE format('CREATE TABLE IF NOT EXISTS temporal_visibility.%I
                    PARTITION OF temporal_visibility.executions_template
                    FOR VALUES FROM (%L) TO (%L)',
                   partition_name, start_date, end_date);
    EXECUTE format('ALTER TABLE temporal_visibility.%I REPLICA IDENTITY FULL', partition_name);
END;
$$ LANGUAGE plpgsql;
