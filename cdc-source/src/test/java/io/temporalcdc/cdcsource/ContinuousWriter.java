package io.temporalcdc.cdcsource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Commits visibility rows continuously, one transaction of 10 rows every 20 ms (at most 500 rows/s),
 * on its own thread, remembering what committed.
 */
final class ContinuousWriter implements AutoCloseable {

    private static final int ROWS_PER_TRANSACTION = 10;
    private static final long PERIOD_MS = 20;

    private final String runIdPrefix;
    private final Connection connection;
    private final PreparedStatement insert;
    private final Set<String> committed = new ConcurrentSkipListSet<>();
    private final AtomicInteger transactions = new AtomicInteger();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    ContinuousWriter(CdcFixture fixture, String runIdPrefix) throws SQLException {
        this.runIdPrefix = runIdPrefix;
        this.connection = fixture.connect();
        connection.setAutoCommit(false);
        this.insert = connection.prepareStatement(
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time, workflow_id,"
                        + " workflow_type_name, status) VALUES ('ns-w', ?, now(), now(), ?, 'WriterWorkflow', 1)");
        scheduler.scheduleAtFixedRate(this::writeTransaction, 0, PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    private void writeTransaction() {
        if (failure.get() != null) {
            return;
        }
        final int tx = transactions.getAndIncrement();
        final String[] ids = new String[ROWS_PER_TRANSACTION];
        try {
            for (int i = 0; i < ROWS_PER_TRANSACTION; i++) {
                ids[i] = runIdPrefix + "-" + (tx * ROWS_PER_TRANSACTION + i);
                insert.setString(1, ids[i]);
                insert.setString(2, "wf-" + ids[i]);
                insert.addBatch();
            }
            insert.executeBatch();
            connection.commit();
            committed.addAll(List.of(ids));
        } catch (SQLException e) {
            failure.set(e);
        }
    }

    int committedCount() {
        return committed.size();
    }

    Set<String> committed() {
        return committed;
    }

    Exception failure() {
        return failure.get();
    }

    /** Stops writing; what committed stays in {@link #committed()}. */
    @Override
    public void close() throws InterruptedException, SQLException {
        scheduler.shutdown();
        scheduler.awaitTermination(30, TimeUnit.SECONDS);
        insert.close();
        connection.close();
    }
}
