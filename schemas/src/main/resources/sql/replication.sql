-- The seed's cross-region logical replication, fixed for PostgreSQL 15. Not applied by the migrations.
-- Fixes (schemas/README.md): PostgreSQL 15 spells it FOR TABLES IN SCHEMA (the seed's FOR ALL TABLES IN SCHEMA
-- is not valid syntax); publish_via_partition_root = true so the partitions of
-- temporal_visibility.executions_template replicate as the partitioned table the secondary also has.
-- Prerequisites: wal_level = logical on the primary (sql/postgresql.conf); the secondary has the same schema
-- (apply the Flyway migrations there first; logical replication does not copy DDL); the replicator role has
-- REPLICATION and SELECT on both schemas. Put the password in the secondary's ~/.pgpass or in the connection string.

-- On primary cluster
CREATE PUBLICATION temporal_pub
    FOR TABLES IN SCHEMA temporal, temporal_visibility
    WITH (publish_via_partition_root = true);

-- On secondary cluster (different region)
CREATE SUBSCRIPTION temporal_sub
CONNECTION 'host=primary-cluster.example.com port=5432 user=replicator dbname=temporal'
PUBLICATION temporal_pub
WITH (copy_data = true, create_slot = true, enabled = true);

-- Monitor replication lag (on the primary): the seed's pg_stat_replication query lives, with the other
-- monitoring queries, in sql/monitoring.sql.
