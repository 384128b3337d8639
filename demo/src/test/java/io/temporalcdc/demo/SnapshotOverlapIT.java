package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.ChangeEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The replication slot is created (and the initial snapshot taken) while writers commit continuously with
 * transactions that last long enough to straddle the slot's consistent point: such a transaction streams changes
 * whose LSNs are lower than the snapshot's. After the snapshot and the stream, every document equals its row.
 */
class SnapshotOverlapIT {
    private static final int ROWS = 600;
    private static final int WRITERS = 4;

    @Test
    void shouldIndexEveryRowAsCommittedWhenTransactionsStraddleTheSnapshot() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("overlap");
        insertRows(settings.jdbcUrl());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong committed = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            int writer = w;
            writers.add(Thread.ofPlatform().start(() -> write(settings.jdbcUrl(), writer, running, committed)));
        }
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() > 10);
            try (Pipeline pipeline = Pipeline.start(settings);
                    PipelineProbe probe = new PipelineProbe(pipeline)) {
                long atStart = committed.get();
                await().atMost(Duration.ofSeconds(60)).until(() -> committed.get() > atStart + 20);
                stop(running, writers);

                assertThat(straddlingChanges(settings))
                        .as("streamed changes with an LSN below the snapshot's: the case this test is about")
                        .isPositive();
                Pipelines.awaitClean(pipeline, probe, ROWS);
            }
        } finally {
            stop(running, writers);
        }
    }

    private static void insertRows(String jdbcUrl) throws SQLException {
        Databases.execute(
                jdbcUrl,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                        + " workflow_id, workflow_type_name, status, history_length, task_queue) SELECT 'overlap-ns',"
                        + " 'run-' || i, '2026-03-04 05:06:07', '2026-03-04 05:06:08', 'wf-' || i, 'Straddle', 1, 0,"
                        + " 'q' FROM generate_series(0, ?) AS i",
                ROWS - 1);
    }

    /**
     * One writer: transactions that close two rows nobody touched before (rows i with i % writers == writer, in
     * order), a few hundred milliseconds apart. Each row changes once, so a change that straddles the snapshot is its
     * row's last: if it were lost, the document would keep the snapshot's state.
     */
    private static void write(String jdbcUrl, int writer, AtomicBoolean running, AtomicLong committed) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE temporal_visibility.executions SET history_length = history_length + 7, status = 2,"
                                + " close_time = '2026-03-04 05:07:00' WHERE namespace_id = 'overlap-ns' AND run_id = ?")) {
            connection.setAutoCommit(false);
            ThreadLocalRandom random = ThreadLocalRandom.current();
            // round and round the writer's rows until stopped: however long the pipeline takes to start, transactions
            // keep straddling its snapshot (a multiple of 2 * WRITERS keeps the writers' rows apart: no deadlocks)
            int cycle = 2 * WRITERS * ((ROWS - WRITERS) / (2 * WRITERS));
            for (int row = writer; running.get(); row = (row + 2 * WRITERS) % cycle) {
                update.setString(1, "run-" + row);
                update.executeUpdate();
                TimeUnit.MILLISECONDS.sleep(100 + random.nextInt(400));
                update.setString(1, "run-" + (row + WRITERS));
                update.executeUpdate();
                connection.commit();
                committed.incrementAndGet();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(AtomicBoolean running, List<Thread> writers) throws InterruptedException {
        running.set(false);
        for (Thread writer : writers) {
            writer.join();
        }
    }

    /** Streamed changes of the visibility table whose LSN is below the highest LSN of the snapshot's reads. */
    private static long straddlingChanges(PipelineSettings settings) {
        List<ChangeEvent> changes = VisibilityChanges.readUntil(
                settings,
                Duration.ofMinutes(1),
                read -> read.stream().filter(c -> c.op() == ChangeEvent.Op.READ).count() >= ROWS);
        long snapshotLsn = changes.stream()
                .filter(c -> c.op() == ChangeEvent.Op.READ)
                .mapToLong(c -> c.source().lsn())
                .max()
                .orElseThrow();
        return changes.stream()
                .filter(c -> c.op() == ChangeEvent.Op.UPDATE)
                .filter(c -> c.source().lsn() < snapshotLsn)
                .count();
    }
}
