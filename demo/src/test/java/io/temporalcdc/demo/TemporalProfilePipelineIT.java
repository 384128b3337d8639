package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.temporal.TemporalAttributes;
import io.temporalcdc.indexer.temporal.TemporalDocumentRules;
import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.TemporalExpectedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.TemporalSqlVisibility;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Temporal-compatible profile end to end on the real servers: Temporal's own {@code executions_visibility} (in a
 * database of its own, schema {@code public}) written as Temporal's SQL visibility store writes it → cdc-source
 * ({@code temporal-v12}, Avro through the registry) → the indexer ({@code temporal-v12}) → an index Temporal's
 * Elasticsearch visibility reads. The rows written before cdc-source started are backfilled by the initial snapshot
 * (what Temporal's dual visibility cannot do), the changes after it are streamed, out-of-order upserts are refused by
 * PostgreSQL and never reach the index, deletes remove documents; each time the index equals the table (the SQL
 * oracle, field by field) and every document passes Temporal's reader's type rules.
 */
class TemporalProfilePipelineIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final String NAMESPACE = "5e0f7d2c-1b3a-4c5d-8e9f-a0b1c2d3e4f5";

    @Test
    void shouldBackfillThenStreamTemporalsVisibilityIntoAnIndexTemporalReads() throws Exception {
        LocalStack stack = LocalStack.shared();
        String database = Names.unique("temporal-v12").replace('-', '_');
        String jdbcUrl = stack.postgres().createDatabase(database);
        String suffix = Names.unique("tv").replace('-', '_');
        String topicPrefix = Names.unique("tv12");
        String index = Names.unique("temporal_visibility_v1_e2e");
        String slot = "slot_" + suffix;
        String publication = "pub_" + suffix;

        List<TemporalVisibilityRows.Run> runs = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            TemporalSqlVisibility.create(c, "public");
            write(c, runs, 0, 120); // before cdc-source: the backfill's rows
        }

        Path logDir = Path.of("target", "e2e-logs", topicPrefix);
        List<String> cdc = List.of(
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "database.hostname=" + stack.postgres().host(),
                "database.port=" + stack.postgres().port(),
                "database.user=" + stack.postgres().user(),
                "database.dbname=" + database,
                "topic.prefix=" + topicPrefix,
                "slot.name=" + slot,
                "publication.name=" + publication,
                "schema.registry.url=" + stack.schemaRegistry().url(),
                "topic.partitions=2",
                "source.profile=temporal-v12");
        List<String> indexer = List.of(
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "elasticsearch.url=" + stack.elasticsearch().url(),
                "topic.prefix=" + topicPrefix,
                "application.id=" + Names.unique("tv12-indexer"),
                "schema.registry.url=" + stack.schemaRegistry().url(),
                "topic.partitions=2",
                "source.profile=temporal-v12",
                "temporal.index.name=" + index,
                "temporal.history.shards=4",
                "index.refresh.interval=1s",
                "streams.state.dir=" + logDir.resolve("state"));

        try (Deployable source = new Deployable("cdc-source", cdc, logDir);
                Deployable sink = new Deployable("visibility-indexer", indexer, logDir)) {
            source.start(WAIT);
            sink.start(WAIT);
            awaitIndexEqualsTable(jdbcUrl, index, 120 - 12);

            try (Connection c = DriverManager.getConnection(jdbcUrl)) {
                write(c, runs, 120, 80); // streamed, mixed with changes of the backfilled runs
            }
            awaitIndexEqualsTable(jdbcUrl, index, 200 - 20);
        } finally {
            dropSlotAndPublication(jdbcUrl, slot, publication);
        }

        // the operator's check before switching Temporal to the index: clean, then a tampered document is found
        String elasticsearch = stack.elasticsearch().url();
        Cli.Run clean = verify(jdbcUrl, elasticsearch, index, "5s");
        assertThat(clean.exitCode()).as(clean.toString()).isZero();
        assertThat(clean.out())
                .contains("VERIFY CLEAN profile=temporal-v12 target=" + index + " rows=180 documents=180");
        TemporalVisibilityRows.Run tampered = runs.get(3);
        String id = tampered.workflowId + "~" + tampered.runId;
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> update = http.send(
                HttpRequest.newBuilder(URI.create(elasticsearch + "/" + index + "/_update/" + id + "?refresh=true"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"doc\":{\"TaskQueue\":\"elsewhere\"}}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(update.statusCode()).as(update.body()).isEqualTo(200);
        Cli.Run different = verify(jdbcUrl, elasticsearch, index, "0s");
        assertThat(different.exitCode()).as(different.toString()).isEqualTo(1);
        assertThat(different.out())
                .contains("VERIFY DIFFERENT")
                .contains("mismatched=1")
                .contains(id + " TaskQueue: expected \"" + tampered.taskQueue + "\", indexed \"elsewhere\"");
    }

    private static Cli.Run verify(String jdbcUrl, String elasticsearch, String index, String retryFor) {
        return Cli.run(
                "verify",
                "--profile",
                "temporal-v12",
                "--jdbc",
                jdbcUrl,
                "--elasticsearch",
                elasticsearch,
                "--index",
                index,
                "--retry-for",
                retryFor);
    }

    /**
     * Writes {@code count} new runs and changes the existing ones as Temporal does: starts, a search attribute
     * upsert, closes, a late upsert of an older task (refused by PostgreSQL), and retention deletes of one in ten.
     */
    private static void write(Connection c, List<TemporalVisibilityRows.Run> runs, int from, int count)
            throws Exception {
        for (int i = from; i < from + count; i++) {
            TemporalVisibilityRows.Run run = TemporalVisibilityRows.newRun(NAMESPACE, i);
            runs.add(run);
            assertThat(TemporalVisibilityRows.start(c, run)).isEqualTo(1);
            if (i % 2 == 0) {
                assertThat(TemporalVisibilityRows.progress(c, run)).isEqualTo(1);
            }
            if (i % 3 == 0) {
                assertThat(TemporalVisibilityRows.close(c, run, 2 + i % 6)).isEqualTo(1);
            }
            if (i % 5 == 0) {
                assertThat(TemporalVisibilityRows.staleUpsert(c, run)).isZero();
            }
        }
        for (int i = from; i < from + count; i += 10) {
            assertThat(TemporalVisibilityRows.delete(c, runs.get(i + 7))).isEqualTo(1);
        }
        // earlier runs change too: streamed changes of snapshotted rows
        for (int i = 0; i < from; i += 4) {
            TemporalVisibilityRows.Run run = runs.get(i);
            if (i % 10 != 7 && run.closeTime == null) {
                assertThat(TemporalVisibilityRows.close(c, run, 5)).isEqualTo(1);
            }
        }
    }

    private static void awaitIndexEqualsTable(String jdbcUrl, String index, int rows) {
        TemporalExpectedDocuments table = new TemporalExpectedDocuments(jdbcUrl, "public", VisibilityComparator.MAPPER);
        IndexedDocuments indexed =
                new IndexedDocuments(LocalStack.shared().elasticsearch().url(), VisibilityComparator.MAPPER);
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            ComparisonReport report = table.compare(indexed, index);
            assertThat(report.isClean()).as(String.join("\n", report.summary())).isTrue();
            assertThat(report.rows()).isEqualTo(rows);
        });
        TemporalDocumentRules rules = new TemporalDocumentRules(new TemporalAttributes());
        try {
            for (Map.Entry<String, ObjectNode> document : indexed.load(index).entrySet()) {
                assertThat(rules.problems(VisibilityComparator.MAPPER.writeValueAsString(document.getValue())))
                        .as(document.getKey())
                        .isEmpty();
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static void dropSlotAndPublication(String jdbcUrl, String slot, String publication) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = DriverManager.getConnection(jdbcUrl);
                    Statement st = c.createStatement()) {
                st.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "' AND active");
                st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'");
                st.execute("DROP PUBLICATION IF EXISTS " + publication);
                return true;
            }
        });
    }
}
