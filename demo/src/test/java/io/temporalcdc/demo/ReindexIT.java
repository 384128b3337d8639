package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code temporal-cdc reindex} over the real pipeline (cdc-source, indexer, ... as processes) while a writer keeps
 * inserting and closing runs: search through the alias never fails nor loses a run committed before the reindex, and
 * after the swap the alias equals the table field by field; and a new template version's field is searchable after the
 * swap.
 */
class ReindexIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldRebuildTheIndexUnderAWriterWithoutASearchErrorOrAMissingRun() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("reindex");
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            String alias = pipeline.alias();
            String es = settings.elasticsearchUrl();
            List<String> oldIndices;
            Cli.Run run;
            Reader reader;
            try (RunWriter writer = new RunWriter(settings.jdbcUrl(), "reindex-ns", () -> false)) {
                writer.awaitMore(150);
                long before = rows(settings.jdbcUrl());
                Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> count(es, alias) >= before);
                oldIndices = indices(es, alias);
                reader = new Reader(es, alias);
                try (reader) {
                    run = Cli.run(
                            "reindex",
                            "--bootstrap-servers",
                            settings.kafkaBootstrapServers(),
                            "--elasticsearch",
                            es,
                            "--jdbc",
                            settings.jdbcUrl(),
                            "--yes",
                            "--topic-prefix",
                            settings.topicPrefix(),
                            "--alias",
                            alias,
                            "--progress",
                            "plain",
                            "--sample",
                            "200");
                    writer.awaitMore(50);
                }
                assertThat(run.exitCode()).as(run.toString()).isZero();
                assertThat(reader.errors).as("search errors while reindexing").isEmpty();
                assertThat(reader.polls.get()).as("polls of the alias").isGreaterThan(10);
                assertThat(reader.fewest.get())
                        .as("fewest hits seen vs %d rows committed before the reindex", before)
                        .isGreaterThanOrEqualTo(before);
                writer.awaitMore(30);
            }
            assertThat(run.out())
                    .contains("of end offsets")
                    .contains("Verified against the table")
                    .contains("Swapped the alias");
            List<String> now = indices(es, alias);
            assertThat(now).hasSize(1).doesNotContainAnyElementsOf(oldIndices);
            assertThat(now.get(0)).startsWith(alias + "_reindex-").endsWith("-000001");
            // the indexer goes on writing into the new index: the alias ends equal to the table
            Pipelines.awaitClean(pipeline, probe, rows(settings.jdbcUrl()).intValue());

            Cli.Run status = Cli.run(
                    "status",
                    "--bootstrap-servers",
                    settings.kafkaBootstrapServers(),
                    "--topic-prefix",
                    settings.topicPrefix(),
                    "--application-id",
                    "visibility-indexer=" + settings.applicationId(),
                    "--elasticsearch",
                    es,
                    "--alias",
                    alias,
                    "--jdbc",
                    settings.jdbcUrl(),
                    "--slot",
                    settings.slotName());
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out())
                    .contains("group " + settings.applicationId() + ": lag 0")
                    .containsPattern("group " + settings.applicationId() + "-sink: lag 0, last commit 20")
                    .contains("dead letters: 0 in " + settings.topicPrefix() + ".visibility-indexer.dlq")
                    .containsPattern("replication slot " + settings.slotName() + ": active, lag [0-9,]+ bytes")
                    .contains("alias " + alias + ":")
                    .containsPattern(now.get(0) + " \\(write index\\)  [0-9,]+ documents");
        }
    }

    @Test
    void shouldMakeAFieldOfANewTemplateVersionSearchableAfterTheSwap() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("retemplate");
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            String alias = pipeline.alias();
            String es = settings.elasticsearchUrl();
            RunWriter writer = new RunWriter(settings.jdbcUrl(), "retemplate-ns", () -> false);
            try (writer) {
                writer.awaitMore(40);
            }
            // read once the writer stopped: a row it commits after an earlier read would be one too many
            int written = writer.written();
            Pipelines.awaitClean(pipeline, probe, written);
            String query = "{\"query\":{\"match\":{\"WorkflowType.text\":\"steady\"}}}";
            assertThat(hits(es, alias, query))
                    .as("the old mapping has no WorkflowType.text")
                    .isZero();

            ObjectNode template = ElasticsearchContracts.indexTemplate();
            ((ObjectNode) template.path("template")
                            .path("mappings")
                            .path("properties")
                            .path("WorkflowType"))
                    .putObject("fields")
                    .putObject("text")
                    .put("type", "text");
            Path file = settings.logDir().resolve("template-v2.json");
            Files.createDirectories(file.getParent());
            Files.writeString(file, JSON.writeValueAsString(template));

            Cli.Run run = Cli.run(
                    "reindex",
                    "--bootstrap-servers",
                    settings.kafkaBootstrapServers(),
                    "--elasticsearch",
                    es,
                    "--yes",
                    "--topic-prefix",
                    settings.topicPrefix(),
                    "--alias",
                    alias,
                    "--template",
                    file.toString(),
                    "--delete-old",
                    "--progress",
                    "plain");

            assertThat(run.exitCode()).as(run.toString()).isZero();
            assertThat(hits(es, alias, query))
                    .as("runs found through the new field")
                    .isEqualTo(written);
            assertThat(run.out()).contains("Deleted " + alias + "_index-000001");
        }
    }

    /** Polls {@code _count} and a search through the alias every 100 ms, keeping errors and the fewest hits. */
    private final class Reader implements AutoCloseable {
        final List<String> errors = new CopyOnWriteArrayList<>();
        final AtomicLong fewest = new AtomicLong(Long.MAX_VALUE);
        final AtomicLong polls = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Reader(String es, String alias) {
            thread = Thread.ofPlatform().name("alias-reader").start(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> counted = get(es + "/" + alias + "/_count");
                        HttpResponse<String> searched = get(es + "/" + alias + "/_search?size=1&track_total_hits=true");
                        if (counted.statusCode() != 200 || searched.statusCode() != 200) {
                            errors.add(counted.statusCode() + " " + counted.body() + " / " + searched.statusCode() + " "
                                    + searched.body());
                        } else {
                            long count =
                                    JSON.readTree(counted.body()).path("count").asLong();
                            long total = JSON.readTree(searched.body())
                                    .path("hits")
                                    .path("total")
                                    .path("value")
                                    .asLong();
                            fewest.accumulateAndGet(Math.min(count, total), Math::min);
                        }
                        polls.incrementAndGet();
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Exception e) {
                        errors.add(e.toString());
                    }
                }
            });
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private long count(String es, String alias) throws Exception {
        http.send(
                HttpRequest.newBuilder(URI.create(es + "/" + alias + "/_refresh"))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(get(es + "/" + alias + "/_count").body())
                .path("count")
                .asLong();
    }

    private long hits(String es, String alias, String query) throws Exception {
        count(es, alias);
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(es + "/" + alias + "/_search?track_total_hits=true&size=0"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body())
                .path("hits")
                .path("total")
                .path("value")
                .asLong();
    }

    private List<String> indices(String es, String alias) throws Exception {
        JsonNode body = JSON.readTree(get(es + "/_alias/" + alias).body());
        List<String> names = new java.util.ArrayList<>();
        body.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Long rows(String jdbcUrl) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM temporal_visibility.executions")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
