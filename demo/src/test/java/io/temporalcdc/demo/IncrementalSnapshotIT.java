package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.testsupport.Names;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * An operator re-snapshots the visibility table while the stream goes on (Debezium's incremental snapshot, asked for
 * with a row in cdc-source's signaling table) and a writer keeps updating and inserting rows: every row is read again,
 * and afterwards every document still equals its row.
 */
class IncrementalSnapshotIT {
    private static final int ROWS = 1_500;

    @Test
    void shouldKeepTheIndexEqualToTheTableThroughAReSnapshotUnderAConcurrentWriter() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("resnapshot");
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            Databases.execute(
                    settings.jdbcUrl(),
                    "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                            + " workflow_id, workflow_type_name, status, history_length, task_queue) SELECT 'resnap-ns',"
                            + " 'run-' || i, '2026-03-04 05:06:07', '2026-03-04 05:06:08', 'wf-' || i, 'Resnap', 1, 0,"
                            + " 'q' FROM generate_series(0, ?) AS i",
                    ROWS - 1);
            Pipelines.awaitClean(pipeline, probe, ROWS);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicInteger inserted = new AtomicInteger();
            Thread writer = Thread.ofPlatform().start(() -> write(settings.jdbcUrl(), running, inserted));
            try {
                long signalled = System.currentTimeMillis();
                Databases.execute(
                        settings.jdbcUrl(),
                        "INSERT INTO temporal.temporal_cdc_signal (id, type, data) VALUES (?, 'execute-snapshot',"
                                + " '{\"data-collections\": [\"temporal_visibility.executions\"], \"type\":"
                                + " \"incremental\"}')",
                        Names.unique("resnap"));
                int[] counts = reread(settings, signalled);
                assertThat(counts[0])
                        .as("rows read again by the incremental snapshot")
                        .isGreaterThan(ROWS / 2);
                assertThat(counts[1])
                        .as("rows read again, or changed meanwhile")
                        .isGreaterThanOrEqualTo(ROWS);
            } finally {
                running.set(false);
                writer.join();
            }
            assertThat(inserted.get()).as("rows the writer inserted meanwhile").isPositive();
            Pipelines.awaitClean(pipeline, probe, ROWS + inserted.get());
        }
    }

    /** Updates random rows and inserts new ones, ~50 transactions a second, until told to stop. */
    private static void write(String jdbcUrl, AtomicBoolean running, AtomicInteger inserted) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE temporal_visibility.executions SET history_length = history_length + 1,"
                                + " status = 2, close_time = '2026-03-04 05:07:00'"
                                + " WHERE namespace_id = 'resnap-ns' AND run_id = ?");
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                                + " workflow_id, workflow_type_name, status, history_length, task_queue) VALUES"
                                + " ('resnap-ns', ?, '2026-03-04 05:06:07', '2026-03-04 05:06:08', ?, 'Resnap', 1, 0,"
                                + " 'q')")) {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            while (running.get()) {
                update.setString(1, "run-" + random.nextInt(ROWS));
                update.executeUpdate();
                if (random.nextInt(4) == 0) {
                    int n = ROWS + inserted.get();
                    insert.setString(1, "run-" + n);
                    insert.setString(2, "wf-" + n);
                    insert.executeUpdate();
                    inserted.incrementAndGet();
                }
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until every original row was read again by the snapshot (op "r") or changed by the stream after the signal
     * (Debezium drops a chunk's read of a row that a streamed change touched meanwhile: the change stands for it).
     *
     * @return the rows read again, and the rows read again or changed after the signal
     */
    private static int[] reread(PipelineSettings settings, long signalledMs) {
        Set<String> read = new HashSet<>();
        Set<String> covered = new HashSet<>();
        VisibilityChanges.readUntil(settings, Duration.ofMinutes(2), changes -> {
            for (ChangeEvent c : changes) {
                String runId =
                        c.row() == null ? null : c.row().path("run_id").asText().trim();
                if (runId == null || Integer.parseInt(runId.substring("run-".length())) >= ROWS) {
                    continue;
                }
                if (c.op() == ChangeEvent.Op.READ) {
                    read.add(runId);
                    covered.add(runId);
                } else if (c.source().tsMs() >= signalledMs) {
                    covered.add(runId);
                }
            }
            return covered.size() >= ROWS && read.size() > ROWS / 2;
        });
        return new int[] {read.size(), covered.size()};
    }
}
