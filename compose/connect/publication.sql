-- The publication the connector streams (cdc-source creates it itself; Debezium's autocreate modes cannot publish
-- whole schemas through the partition root): see cdc-source/connect/README.md. Idempotent.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_publication WHERE pubname = 'temporal_cdc') THEN
    CREATE PUBLICATION temporal_cdc FOR TABLES IN SCHEMA temporal, temporal_visibility
      WITH (publish_via_partition_root = true);
  END IF;
END
$$;
