package io.temporalcdc.metrics;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Writes a generated Temporal workload into {@code temporal_visibility.executions}, as Temporal's SQL visibility
 * does: runs start (status 1, no close_time) over the last few UTC days, then close with every status (some with a
 * zero duration), some close twice, some are deleted (retention), some have their start_time moved across
 * midnight. Deterministic for a seed.
 */
final class Workload {
    private static final int BATCH = 250;

    private final String jdbcUrl;
    private final Random random;
    private final List<String> namespaces;
    private final List<String> types;
    private final List<Run> runs = new ArrayList<>();
    private final long nowMicros = Instant.now().truncatedTo(ChronoUnit.MICROS).toEpochMilli() * 1_000L;
    private int next;

    /** One run as written last. */
    private static final class Run {
        final String namespace;
        final String runId;
        long startMicros;
        boolean closed;
        boolean deleted;

        Run(String namespace, String runId, long startMicros) {
            this.namespace = namespace;
            this.runId = runId;
            this.startMicros = startMicros;
        }
    }

    Workload(String jdbcUrl, long seed, List<String> namespaces, List<String> types) {
        this.jdbcUrl = jdbcUrl;
        this.random = new Random(seed);
        this.namespaces = List.copyOf(namespaces);
        this.types = List.copyOf(types);
    }

    List<String> namespaces() {
        return namespaces;
    }

    /** Starts {@code count} runs, their start_time spread over the last {@code days} days (never in the future). */
    void start(int count, int days) throws SQLException {
        try (Connection c = connect();
                PreparedStatement insert = c.prepareStatement("INSERT INTO temporal_visibility.executions"
                        + " (namespace_id, run_id, start_time, execution_time, workflow_id, workflow_type_name, status,"
                        + " history_length, task_queue) VALUES (?, ?, ?, ?, ?, ?, 1, 1, 'q')")) {
            for (int i = 0; i < count; i++) {
                String namespace = namespaces.get(random.nextInt(namespaces.size()));
                Run run =
                        new Run(namespace, "run-" + next++, nowMicros - (long) (random.nextDouble() * days * 86_400e6));
                runs.add(run);
                insert.setString(1, namespace);
                insert.setString(2, run.runId);
                insert.setObject(3, timestamp(run.startMicros));
                insert.setObject(4, timestamp(run.startMicros));
                insert.setString(5, "wf-" + run.runId);
                insert.setString(6, types.get(random.nextInt(types.size())));
                batch(c, insert, i);
            }
            flush(c, insert);
        }
    }

    /** Closes about {@code fraction} of the open runs, with a status from 2 (completed) to 7 (timed out). */
    void close(double fraction) throws SQLException {
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement("UPDATE temporal_visibility.executions"
                        + " SET status = ?, close_time = ?, history_length = 10"
                        + " WHERE namespace_id = ? AND run_id = ?")) {
            int n = 0;
            for (Run run : runs) {
                if (run.deleted || run.closed || random.nextDouble() >= fraction) {
                    continue;
                }
                run.closed = true;
                closeStatement(update, run);
                batch(c, update, n++);
            }
            flush(c, update);
        }
    }

    /** Closes {@code count} closed runs again, with another status and duration (a reset, a correction). */
    void reclose(int count) throws SQLException {
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement("UPDATE temporal_visibility.executions"
                        + " SET status = ?, close_time = ? WHERE namespace_id = ? AND run_id = ?")) {
            int n = 0;
            for (Run run : runs) {
                if (n >= count) {
                    break;
                }
                if (run.closed && !run.deleted && random.nextInt(4) == 0) {
                    closeStatement(update, run);
                    batch(c, update, n++);
                }
            }
            flush(c, update);
        }
    }

    /** Deletes about {@code fraction} of the runs (retention). */
    void delete(double fraction) throws SQLException {
        try (Connection c = connect();
                PreparedStatement delete = c.prepareStatement(
                        "DELETE FROM temporal_visibility.executions WHERE namespace_id = ? AND run_id = ?")) {
            int n = 0;
            for (Run run : runs) {
                if (run.deleted || random.nextDouble() >= fraction) {
                    continue;
                }
                run.deleted = true;
                delete.setString(1, run.namespace);
                delete.setString(2, run.runId);
                batch(c, delete, n++);
            }
            flush(c, delete);
        }
    }

    /**
     * Moves the start_time of {@code count} runs to the last half second of the day before (across midnight), and
     * of as many others to the first half second of their day (staying): both sides of a day boundary.
     */
    void moveAcrossMidnight(int count) throws SQLException {
        try (Connection c = connect();
                PreparedStatement update = c.prepareStatement("UPDATE temporal_visibility.executions"
                        + " SET start_time = ? WHERE namespace_id = ? AND run_id = ?")) {
            int n = 0;
            for (Run run : runs) {
                if (n >= 2 * count) {
                    break;
                }
                if (run.deleted || random.nextInt(5) != 0) {
                    continue;
                }
                long midnight = Math.floorDiv(run.startMicros, 86_400_000_000L) * 86_400_000_000L;
                long moved =
                        n < count ? midnight - 500_000 + random.nextInt(500_000) : midnight + random.nextInt(500_000);
                run.startMicros = moved;
                update.setObject(1, timestamp(moved));
                update.setString(2, run.namespace);
                update.setString(3, run.runId);
                batch(c, update, n++);
            }
            flush(c, update);
        }
    }

    private void closeStatement(PreparedStatement update, Run run) throws SQLException {
        int status = 2 + random.nextInt(6);
        // a zero duration now and then, else up to two hours with microseconds
        long duration = random.nextInt(20) == 0 ? 0 : 1 + (long) (random.nextDouble() * 7_200e6);
        update.setInt(1, status);
        update.setObject(2, timestamp(run.startMicros + duration));
        update.setString(3, run.namespace);
        update.setString(4, run.runId);
    }

    private static void batch(Connection c, PreparedStatement statement, int index) throws SQLException {
        statement.addBatch();
        if ((index + 1) % BATCH == 0) {
            flush(c, statement);
        }
    }

    private static void flush(Connection c, PreparedStatement statement) throws SQLException {
        statement.executeBatch();
        c.commit();
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(jdbcUrl);
        c.setAutoCommit(false);
        return c;
    }

    /** A TIMESTAMP (without time zone) holding the UTC wall time of {@code epochMicros}. */
    private static LocalDateTime timestamp(long epochMicros) {
        return LocalDateTime.ofEpochSecond(
                Math.floorDiv(epochMicros, 1_000_000L),
                (int) Math.floorMod(epochMicros, 1_000_000L) * 1_000,
                ZoneOffset.UTC);
    }
}
