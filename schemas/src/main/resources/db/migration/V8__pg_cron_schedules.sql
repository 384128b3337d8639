-- The seed's pg_cron schedules, only where the pg_cron extension is installed in this database.
-- Deviation (schemas/README.md): the seed calls cron.schedule unconditionally, which fails without pg_cron.
-- Without it, run the same three statements from an external scheduler (cron, a Kubernetes CronJob).
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.schedule('create-partition', '0 0 1 * *',
            'SELECT temporal_visibility.create_monthly_partition()');
        PERFORM cron.schedule('refresh-metrics', '0 * * * *',
            'REFRESH MATERIALIZED VIEW CONCURRENTLY temporal_visibility.workflow_metrics');
        PERFORM cron.schedule('cleanup-executions', '0 3 * * *',
            'SELECT temporal_visibility.cleanup_old_executions(90)');
        RAISE NOTICE 'pg_cron jobs create-partition, refresh-metrics, cleanup-executions scheduled';
    ELSE
        RAISE NOTICE 'pg_cron is not installed: schedule the partition creation, view refresh and cleanup externally';
    END IF;
END;
$$;
