package io.temporalcdc.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Visibility rows written to PostgreSQL for the benchmarks: bursts generated in SQL, and a steady mix of inserts
 * (a workflow starts) and updates (a workflow closes) at a fixed rate.
 */
final class Workload {
    /** One visibility row per {@code i}, every column set, the seed's six search attributes and a JSON memo. */
    private static final String ROWS = "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time,"
            + " execution_time, workflow_id, workflow_type_name, status, history_length, memo, encoding, task_queue,"
            + " search_attributes) SELECT ?, ? || '-' || i, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC',"
            + " 'wf-' || ? || '-' || i, 'BenchWorkflow', 1, 3, convert_to('{\"order\":' || i || '}', 'UTF8'),"
            + " 'json/plain', 'bench-queue', jsonb_build_object('CustomKeywordField', 'k-' || (i % 100),"
            + " 'CustomIntField', i % 1000, 'CustomDoubleField', i / 7.0, 'CustomBoolField', i % 2 = 0,"
            + " 'CustomDatetimeField', '2026-11-29T10:00:00.000000Z', 'CustomStringField', 'bench row ' || i)"
            + " FROM generate_series(?::bigint, ?::bigint) AS i";

    private static final String CLOSE = "UPDATE temporal_visibility.executions SET status = 2, close_time ="
            + " now() AT TIME ZONE 'UTC', history_length = 11 WHERE namespace_id = ?::bpchar AND run_id = ?::bpchar";

    private final String jdbcUrl;

    Workload(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
    }

    /** Inserts rows {@code from..to} of {@code namespace} in one transaction. */
    void insert(String namespace, long from, long to) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement insert = connection.prepareStatement(ROWS)) {
            connection.setAutoCommit(false);
            bind(insert, namespace, from, to);
            insert.executeUpdate();
            connection.commit();
        }
    }

    /** Inserts {@code count} rows of {@code namespace}, {@code perTransaction} rows per transaction. */
    void insertInBatches(String namespace, long count, int perTransaction) throws SQLException {
        for (long from = 0; from < count; from += perTransaction) {
            insert(namespace, from, Math.min(count, from + perTransaction) - 1);
        }
    }

    /**
     * Writes {@code changesPerSecond} visibility changes a second for {@code seconds} on {@code threads}
     * connections: half of them start a workflow, half close one started earlier; {@code perTransaction} changes
     * per transaction, sent as one JDBC batch.
     *
     * @return the changes written
     */
    long steady(String namespace, int changesPerSecond, int seconds, int perTransaction, int threads) throws Exception {
        AtomicLong next = new AtomicLong();
        AtomicLong changes = new AtomicLong();
        long periodNanos = 1_000_000_000L * perTransaction * threads / changesPerSecond;
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<CompletableFuture<Void>> writers = new ArrayList<>();
        // one platform thread per connection: the common pool has a single thread on a 2-core machine
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            for (int t = 0; t < threads; t++) {
                long offset = periodNanos * t / threads;
                writers.add(CompletableFuture.runAsync(
                        () -> {
                            try {
                                write(namespace, next, changes, start + offset, periodNanos, end, perTransaction);
                            } catch (SQLException e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        pool));
            }
            CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
        } finally {
            pool.shutdown();
        }
        return changes.get();
    }

    private void write(
            String namespace,
            AtomicLong next,
            AtomicLong changes,
            long start,
            long period,
            long end,
            int perTransaction)
            throws SQLException {
        ArrayDeque<Long> open = new ArrayDeque<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement insert = connection.prepareStatement(ROWS);
                PreparedStatement close = connection.prepareStatement(CLOSE)) {
            connection.setAutoCommit(false);
            for (long tx = 0; System.nanoTime() < end; tx++) {
                LockSupport.parkNanos(start + tx * period - System.nanoTime());
                int closes = Math.min(open.size(), perTransaction / 2);
                for (int c = 0; c < closes; c++) {
                    close.setString(1, namespace);
                    close.setString(2, namespace + "-" + open.poll());
                    close.addBatch();
                }
                for (int c = closes; c < perTransaction; c++) {
                    long i = next.getAndIncrement();
                    bind(insert, namespace, i, i);
                    insert.addBatch();
                    open.add(i);
                }
                insert.executeBatch();
                if (closes > 0) {
                    close.executeBatch();
                }
                connection.commit();
                changes.addAndGet(perTransaction);
            }
        }
    }

    /** Rows of {@code namespace} in the table. */
    long rows(String namespace) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                var rs = statement.executeQuery(
                        "SELECT count(*) FROM temporal_visibility.executions WHERE namespace_id = '" + namespace
                                + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void bind(PreparedStatement insert, String namespace, long from, long to) throws SQLException {
        insert.setString(1, namespace);
        insert.setString(2, namespace);
        insert.setString(3, namespace);
        insert.setLong(4, from);
        insert.setLong(5, to);
    }
}
