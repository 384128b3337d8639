package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.DocumentHeaders;
import io.temporalcdc.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code temporal-cdc dead-letters}: rows whose search attribute is not registered are dead-lettered by the indexer;
 * the mapping is fixed (the attribute registered, the indexer restarted); {@code redrive} gets the documents indexed,
 * and a second {@code redrive} changes nothing.
 */
class DeadLetterRedriveIT {
    private static final int BAD = 5;

    @Test
    void shouldIndexRedrivenDeadLettersOnceTheMappingIsFixedAndChangeNothingTheSecondTime() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("redrive");
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            insert(settings.jdbcUrl(), "good", 10, null);
            insert(settings.jdbcUrl(), "bad", BAD, "{\"Region\": \"eu-west\"}");
            String[] kafka = {
                "--bootstrap-servers", settings.kafkaBootstrapServers(), "--topic-prefix", settings.topicPrefix()
            };
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() ->
                            Cli.run(args(kafka, "dead-letters", "list")).out().contains(BAD + " dead letters"));
            Cli.Run listed = Cli.run(args(kafka, "dead-letters", "list", "--reason", "Region"));
            assertThat(listed.exitCode()).isZero();
            assertThat(listed.out())
                    .contains(BAD + " dead letters in " + settings.topicPrefix() + ".visibility-indexer.dlq")
                    .contains(settings.visibilityTopic());
            Matcher first = Pattern.compile("(?m)^(\\d+@\\d+)\\t").matcher(listed.out());
            assertThat(first.find()).isTrue();
            Cli.Run shown = Cli.run(args(
                    kafka, "dead-letters", "show", "--offset", first.group(1).replace('@', ':')));
            assertThat(shown.exitCode()).as(shown.toString()).isZero();
            assertThat(shown.out()).contains("reason:").contains("Region").contains("value:");

            pipeline.indexer().close();
            List<String> fixed = new ArrayList<>(Pipeline.indexerSettings(settings));
            fixed.replaceAll(s ->
                    s.startsWith("search.attributes=") ? "search.attributes=CustomerId:Keyword,Region:Keyword" : s);
            try (Deployable indexer = new Deployable("visibility-indexer", "indexer-fixed", fixed, settings.logDir())) {
                indexer.start(Pipeline.READY_TIMEOUT);

                Cli.Run redriven = Cli.run(args(kafka, "dead-letters", "redrive", "--all"));
                assertThat(redriven.exitCode()).as(redriven.toString()).isZero();
                assertThat(count(redriven.out(), "re-driven to ")).isEqualTo(BAD);
                Pipelines.awaitClean(pipeline, probe, 10 + BAD);
                Map<String, ObjectNode> documents =
                        Pipelines.documents(pipeline).load(pipeline.alias());
                assertThat(documents.values().stream()
                                .filter(d -> d.path("SearchAttributes")
                                        .path("Region")
                                        .asText()
                                        .equals("eu-west"))
                                .count())
                        .isEqualTo(BAD);

                Cli.Run again = Cli.run(args(kafka, "dead-letters", "redrive", "--all"));
                assertThat(again.exitCode()).as(again.toString()).isZero();
                assertThat(count(again.out(), "re-driven to ")).isZero();
                assertThat(count(again.out(), "superseded by ")).isEqualTo(BAD);
                Thread.sleep(3_000);
                Pipelines.awaitClean(pipeline, probe, 10 + BAD);
                assertThat(Pipelines.documents(pipeline).load(pipeline.alias())).isEqualTo(documents);
                assertThat(Cli.run(args(kafka, "dead-letters", "list")).out())
                        .as("no new dead letters")
                        .contains(BAD + " dead letters");
            }
        }
    }

    @Test
    void shouldWriteTheIndexersElasticsearchDeadLettersStraightIntoTheIndexOnceTheMappingTakesThem() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("redrive-sink");
        try (Pipeline pipeline = Pipeline.start(settings)) {
            String alias = pipeline.alias();
            String es = settings.elasticsearchUrl();
            String id = "sink-wf~sink-run";
            // a document the strict mapping refuses: a search attribute it does not have
            String document = "{\"NamespaceId\":\"sink-ns\",\"WorkflowId\":\"sink-wf\",\"RunId\":\"sink-run\","
                    + "\"WorkflowType\":\"T\",\"StartTime\":\"2026-03-04T05:06:07.000000Z\",\"ExecutionStatus\":1,"
                    + "\"SearchAttributes\":{\"Zone\":\"z1\"}}";
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                    Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers()),
                    new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(
                                Topics.visibilityDocuments(settings.topicPrefix()),
                                null,
                                id.getBytes(StandardCharsets.UTF_8),
                                document.getBytes(StandardCharsets.UTF_8),
                                DocumentHeaders.of(5_000, System.currentTimeMillis())))
                        .get();
            }
            String[] kafka = {
                "--bootstrap-servers", settings.kafkaBootstrapServers(), "--topic-prefix", settings.topicPrefix()
            };
            Awaitility.await()
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() ->
                            Cli.run(args(kafka, "dead-letters", "list")).out().contains("1 dead letters"));
            assertThat(Cli.run(args(kafka, "dead-letters", "list")).out())
                    .contains(Topics.visibilityDocuments(settings.topicPrefix()))
                    .contains("strict_dynamic_mapping_exception");
            String[] sink = {"redrive", "--all", "--to", "sink", "--elasticsearch", es, "--alias", alias};

            Cli.Run refused = Cli.run(args(kafka, concat("dead-letters", sink)));
            assertThat(refused.exitCode())
                    .as("the mapping still refuses it: " + refused)
                    .isEqualTo(1);
            assertThat(count(refused.out(), "refused again: ")).isEqualTo(1);

            // the fix: the attribute in the mapping (what registering it in search.attributes does at start-up)
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> mapped = http.send(
                    HttpRequest.newBuilder(URI.create(es + "/" + alias + "/_mapping"))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"properties\":{\"SearchAttributes\":"
                                    + "{\"properties\":{\"Zone\":{\"type\":\"keyword\"}}}}}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(mapped.statusCode()).as(mapped.body()).isEqualTo(200);

            for (int time = 1; time <= 2; time++) {
                Cli.Run written = Cli.run(args(kafka, concat("dead-letters", sink)));
                assertThat(written.exitCode()).as(written.toString()).isZero();
                assertThat(count(written.out(), "written: ")).isEqualTo(1);
                HttpResponse<String> stored = http.send(
                        HttpRequest.newBuilder(URI.create(es + "/" + alias + "/_doc/" + id))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(stored.body())
                        .as("after re-drive %d", time)
                        .contains("\"_version\":5000")
                        .contains("\"Zone\":\"z1\"");
            }
            assertThat(Cli.run(args(kafka, "dead-letters", "list")).out()).contains("1 dead letters");
        }
    }

    private static String[] concat(String first, String[] rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    private static String[] args(String[] kafka, String... command) {
        List<String> all = new ArrayList<>(List.of(command));
        all.addAll(List.of(kafka));
        return all.toArray(String[]::new);
    }

    /** @return the report lines (one per dead letter: position, source, outcome) saying {@code what} */
    private static long count(String text, String what) {
        return Pattern.compile("(?m)^\\d+@\\d+\\t\\S+\\t" + Pattern.quote(what))
                .matcher(text)
                .results()
                .count();
    }

    private static void insert(String jdbcUrl, String name, int rows, String attributes) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                                + " workflow_id, workflow_type_name, status, task_queue, search_attributes) VALUES"
                                + " ('redrive-ns', ?, '2026-03-04 05:06:07', '2026-03-04 05:06:08', ?, 'Redrive', 1,"
                                + " 'q', ?::jsonb)")) {
            for (int i = 0; i < rows; i++) {
                insert.setString(1, name + "-run-" + i);
                insert.setString(2, name + "-wf-" + i);
                insert.setString(3, attributes);
                insert.executeUpdate();
            }
        }
    }
}
