package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.OwnServers;
import io.temporalcdc.testsupport.PgTools;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The pipeline pointed at a second PostgreSQL cluster restored from a dump of the first, whose LSNs are lower: its
 * changes are refused as older than what is indexed, and the indexer says the index is frozen; after the documented
 * procedure (a version epoch at the cut-over, a new slot and offsets topic for cdc-source, which re-snapshots), the
 * index equals the restored cluster and later changes reach it.
 */
class RestoreIT {
    private static final int ROWS = 150;
    private static final Duration WAIT = Duration.ofMinutes(3);

    @Test
    void shouldReachTheIndexAgainAfterARestoreOnceTheDocumentedProcedureIsFollowed() throws Exception {
        PipelineSettings a = Pipelines.freshSettings("restore");
        pushLsnForward(a.jdbcUrl());
        insertRows(a.jdbcUrl());
        try (Pipeline pipeline = Pipeline.start(a);
                OwnServers restored = OwnServers.postgres(Path.of("target", "own-postgres"))) {
            awaitClean(Pipelines.comparator(pipeline));

            PgTools.copyDatabase(
                    LocalStack.shared().postgres(),
                    a.databaseName(),
                    restored.postgres(),
                    "temporal",
                    a.logDir().resolve("restore"));
            String b = restored.postgres().jdbcUrl();
            assertThat(currentLsn(b)).as("the restored cluster's LSN").isLessThan(currentLsn(a.jdbcUrl()));

            // cdc-source moves to the restored cluster: its changes carry lower LSNs than what is indexed
            pipeline.cdcSource().close();
            try (Deployable onRestored = cdcSource(a, b, "b1")) {
                onRestored.start(Pipeline.READY_TIMEOUT);
                // changes keep coming on the restored cluster and keep being refused: after 30 s the index is frozen
                await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    Databases.execute(
                            b,
                            "UPDATE temporal_visibility.executions SET status = 2, history_length = history_length + 1");
                    assertThat(PrometheusText.sum(pipeline.indexer().metrics(), "visibility_indexer_index_frozen"))
                            .hasValue(1.0);
                });
                assertThat(Pipelines.comparator(pipeline).compare().isClean()).isTrue();
            }

            // the procedure: a version epoch at the cut-over, then a new slot (and offsets) so cdc-source re-snapshots
            Instant cutOver = Instant.now();
            pipeline.indexer().close();
            List<String> withEpoch = new ArrayList<>(Pipeline.indexerSettings(a));
            withEpoch.add("version.epoch.starts=" + cutOver);
            try (Deployable indexer =
                            new Deployable("visibility-indexer", "visibility-indexer-epoch", withEpoch, a.logDir());
                    Deployable onRestored = cdcSource(a, b, "b2")) {
                indexer.start(Pipeline.READY_TIMEOUT);
                onRestored.start(Pipeline.READY_TIMEOUT);
                VisibilityComparator againstRestored =
                        new VisibilityComparator(b, a.elasticsearchUrl(), a.indexPrefix());
                awaitClean(againstRestored);

                Databases.execute(
                        b,
                        "UPDATE temporal_visibility.executions SET status = 3, history_length = 30"
                                + " WHERE run_id LIKE 'run-1%'");
                awaitClean(againstRestored);
                assertThat(PrometheusText.sum(indexer.metrics(), "visibility_indexer_index_frozen"))
                        .hasValue(0.0);
            }
        } finally {
            Databases.count(
                    a.jdbcUrl(),
                    "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
                            + " WHERE slot_name = '" + a.slotName() + "' AND NOT active");
        }
    }

    private static Deployable cdcSource(PipelineSettings a, String restoredUrl, String name) {
        PipelineSettings b = new PipelineSettings(
                restoredUrl,
                a.kafkaBootstrapServers(),
                a.elasticsearchUrl(),
                a.redisUri(),
                a.topicPrefix(),
                "slot_" + name,
                a.publicationName(),
                a.applicationId(),
                a.invalidatorApplicationId(),
                a.metricsApplicationId(),
                a.indexPrefix(),
                a.logDir(),
                a.schemaRegistryUrl());
        List<String> settings = new ArrayList<>(Pipeline.cdcSourceSettings(b));
        settings.add("offset.storage.topic=" + a.topicPrefix() + ".cdc-source.offsets-" + name);
        return new Deployable("cdc-source", "cdc-source-" + name, settings, a.logDir());
    }

    private static void awaitClean(VisibilityComparator comparator) {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            ComparisonReport report = comparator.compare();
            assertThat(report.isClean()).as(String.join("\n", report.summary())).isTrue();
            assertThat(report.rows()).isEqualTo(ROWS);
        });
    }

    private static void insertRows(String jdbcUrl) throws SQLException {
        Databases.execute(
                jdbcUrl,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                        + " workflow_id, workflow_type_name, status, history_length, task_queue) SELECT 'restore-ns',"
                        + " 'run-' || i, '2026-03-04 05:06:07', '2026-03-04 05:06:08', 'wf-' || i, 'Restored', 1, 1,"
                        + " 'q' FROM generate_series(0, ?) AS i",
                ROWS - 1);
    }

    /** A few WAL segment switches, so the first cluster's LSNs are well above a fresh cluster's. */
    private static void pushLsnForward(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            for (int i = 0; i < 4; i++) {
                statement.execute("CREATE TABLE IF NOT EXISTS public.wal_pusher (n int)");
                statement.execute("INSERT INTO public.wal_pusher VALUES (" + i + ")");
                statement.execute("SELECT pg_switch_wal()");
            }
        }
    }

    private static long currentLsn(String jdbcUrl) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
