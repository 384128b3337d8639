-- Data retention (seed: "Automated Data Cleanup").
-- Deviations (schemas/README.md): the seed's function logs into temporal.cleanup_log but never creates it - created
-- here; closed statuses follow Temporal's numbering (2..7: Completed, Failed, Canceled, Terminated, ContinuedAsNew,
-- TimedOut; the seed listed 3..8); the cutoff is computed in UTC like the TIMESTAMP columns; the function is
-- schema-qualified.
CREATE TABLE temporal.cleanup_log (
    id BIGSERIAL PRIMARY KEY,
    cleanup_date TIMESTAMP NOT NULL,
    table_name VARCHAR(255) NOT NULL,
    deleted_rows INTEGER NOT NULL,
    retention_days INTEGER NOT NULL
);

CREATE OR REPLACE FUNCTION temporal_visibility.cleanup_old_executions(retention_days INTEGER DEFAULT 90)
RETURNS INTEGER AS $$
DECLARE
    deleted_count INTEGER;
    cutoff_date TIMESTAMP;
BEGIN
    cutoff_date := (now() AT TIME ZONE 'UTC') - (retention_days || ' days')::INTERVAL;

    -- Delete old closed executions: Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut
    DELETE FROM temporal_visibility.executions
    WHERE close_time < cutoff_date
    AND status BETWEEN 2 AND 7;

    GET DIAGNOSTICS deleted_count = ROW_COUNT;

    -- Log cleanup operation
    INSERT INTO temporal.cleanup_log (cleanup_date, table_name, deleted_rows, retention_days)
    VALUES (now() AT TIME ZONE 'UTC', 'temporal_visibility.executions', deleted_count, retention_days);

    RETURN deleted_count;
END;
$$ LANGUAGE plpgsql;
