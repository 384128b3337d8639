-- Migration bookkeeping (seed: "Schema Migration Framework"). Flyway's own history table applies this module's
-- migrations; temporal.schema_migrations is the seed's table for hand-written migration functions such as
-- migrate_add_search_attribute, which is created here but never run by the migrations.
-- Deviations (schemas/README.md): no CONCURRENTLY inside the function (a function always runs inside a
-- transaction, where CREATE INDEX CONCURRENTLY is refused); the function is schema-qualified.
CREATE TABLE temporal.schema_migrations (
    version VARCHAR(255) PRIMARY KEY,
    applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    checksum VARCHAR(64) NOT NULL,
    description TEXT
);

-- Example migration: Add new search attribute
CREATE OR REPLACE FUNCTION temporal.migrate_add_search_attribute()
RETURNS VOID AS $$
BEGIN
    -- Check if migration already applied
    IF EXISTS (SELECT 1 FROM temporal.schema_migrations WHERE version = '1.20.0_add_customer_id') THEN
        RAISE NOTICE 'Migration 1.20.0_add_customer_id already applied';
        RETURN;
    END IF;

    -- Add new column
    ALTER TABLE temporal_visibility.executions
    ADD COLUMN IF NOT EXISTS customer_id VARCHAR(255);

    -- Add index
    CREATE INDEX IF NOT EXISTS idx_executions_customer_id
        ON temporal_visibility.executions(namespace_id, customer_id);

    -- Record migration
    INSERT INTO temporal.schema_migrations (version, description, checksum)
    VALUES ('1.20.0_add_customer_id', 'Add customer_id search attribute', 'abc123def456');

    RAISE NOTICE 'Migration 1.20.0_add_customer_id completed successfully';
END;
$$ LANGUAGE plpgsql;
