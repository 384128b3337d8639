package io.temporalcdc.schemas;

import java.sql.Connection;
import java.sql.SQLException;

/** Writes sample rows into temporal_visibility.executions, with times relative to now (UTC, as the columns are). */
final class Visibility {

    private static final String INSERT = """
            INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,
                workflow_id, workflow_type_name, status, close_time, history_length, memo, encoding, task_queue,
                search_attributes)
            VALUES (?, ?, %1$s, %1$s, ?, ?, ?, CASE WHEN ? THEN %1$s + make_interval(secs => ?) END, ?,
                convert_to('{"note":"sample"}', 'UTF8'), 'json/plain', 'orders', ?::jsonb)
            """;
    private static final String DAYS_AGO = "((now() AT TIME ZONE 'UTC') - make_interval(days => ?))";
    private static final String YESTERDAY_PLUS_HOURS =
            "(date_trunc('day', now() AT TIME ZONE 'UTC') - interval '1 day' + make_interval(hours => ?))";

    private Visibility() {}

    /**
     * A row started {@code startDaysAgo} days ago, closed {@code durationSeconds} later unless running.
     * The start expression's parameter is bound twice (start_time and execution_time) and once more for close_time.
     */
    static void insertStartedDaysAgo(
            Connection c,
            String namespace,
            String runId,
            String type,
            int status,
            int startDaysAgo,
            Integer durationSeconds)
            throws SQLException {
        insert(c, DAYS_AGO, namespace, runId, type, status, startDaysAgo, durationSeconds);
    }

    /** A row started yesterday (UTC) at the given hour, so that every such row falls on one execution_date. */
    static void insertStartedYesterday(
            Connection c, String namespace, String runId, String type, int status, int hour, Integer durationSeconds)
            throws SQLException {
        insert(c, YESTERDAY_PLUS_HOURS, namespace, runId, type, status, hour, durationSeconds);
    }

    private static void insert(
            Connection c,
            String start,
            String namespace,
            String runId,
            String type,
            int status,
            int startParam,
            Integer durationSeconds)
            throws SQLException {
        boolean closed = durationSeconds != null;
        TestDatabase.update(
                c,
                INSERT.formatted(start),
                namespace,
                runId,
                startParam,
                startParam,
                "wf-" + runId,
                type,
                status,
                closed,
                startParam,
                closed ? durationSeconds : 0,
                closed ? 12L : null,
                "{\"CustomKeywordField\":\"k\",\"CustomIntField\":" + status + "}");
    }
}
