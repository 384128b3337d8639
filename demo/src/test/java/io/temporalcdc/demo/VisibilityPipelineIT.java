package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.ExpectedDocuments;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.JsonTrees;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * INSERT, UPDATE and DELETE of visibility rows reach Elasticsearch through the real deployables
 * (cdc-source and visibility-indexer processes) with every field as the contract says.
 */
class VisibilityPipelineIT {

    private static final Duration INDEXED = Duration.ofSeconds(60);
    private static final String NAMESPACE = "4a1b2c3d-0000-4000-8000-00000000e2e0";
    private static final String SEARCH_ATTRIBUTES = "{\"CustomKeywordField\":\"gold\",\"CustomIntField\":42,"
            + "\"CustomDoubleField\":12.75,\"CustomBoolField\":true,\"CustomDatetimeField\":\"2026-03-04T05:06:07.123Z\","
            + "\"CustomStringField\":\"express delivery to Lisbon\"}";

    private static Pipeline pipeline;
    private static IndexedDocuments documents;

    @BeforeAll
    static void startPipeline() {
        pipeline = Pipeline.start(Pipelines.freshSettings("e2e"));
        documents = Pipelines.documents(pipeline);
    }

    @AfterAll
    static void stopPipeline() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void shouldIndexInsertedRowWithEveryField() throws Exception {
        insert(
                "run-insert",
                "wf-insert",
                2,
                "'2026-03-04 05:06:09.5'",
                17,
                "convert_to('{\"customer\":\"c-7\",\"priority\":2}', 'UTF8')",
                "json/plain",
                SEARCH_ATTRIBUTES);

        ObjectNode doc = awaitDocument("wf-insert~run-insert", d -> true);

        assertThat(doc.get("NamespaceId").asText()).isEqualTo(NAMESPACE);
        assertThat(doc.get("WorkflowId").asText()).isEqualTo("wf-insert");
        assertThat(doc.get("RunId").asText()).isEqualTo("run-insert");
        assertThat(doc.get("WorkflowType").asText()).isEqualTo("OrderFulfillment");
        assertThat(doc.get("StartTime").asText()).isEqualTo("2026-03-04T05:06:07.123456Z");
        assertThat(doc.get("ExecutionTime").asText()).isEqualTo("2026-03-04T05:06:08.000000Z");
        assertThat(doc.get("CloseTime").asText()).isEqualTo("2026-03-04T05:06:09.500000Z");
        assertThat(doc.get("ExecutionStatus").asInt()).isEqualTo(2);
        assertThat(doc.get("ExecutionDuration").asLong()).isEqualTo(1_500_000_000L);
        assertThat(doc.get("HistoryLength").asLong()).isEqualTo(17);
        assertThat(doc.get("TaskQueue").asText()).isEqualTo("orders");
        assertThat(doc.get("Memo")).isEqualTo(json("{\"customer\":\"c-7\",\"priority\":2}"));
        assertThat(JsonTrees.equal(doc.get("SearchAttributes"), json(SEARCH_ATTRIBUTES)))
                .isTrue();
        assertThat(VisibilityComparator.differences("wf-insert~run-insert", expected("wf-insert~run-insert"), doc))
                .isEmpty();
    }

    @Test
    void shouldIndexBinaryMemoAsEncodingAndBase64() throws Exception {
        insert("run-binary", "wf-binary", 3, "'2026-03-04 05:07:00'", 5, "'\\x00ff10'::bytea", "proto3", null);

        ObjectNode doc = awaitDocument("wf-binary~run-binary", d -> true);

        assertThat(doc.get("Memo")).isEqualTo(json("{\"encoding\":\"proto3\",\"data\":\"AP8Q\"}"));
        assertThat(doc.has("SearchAttributes")).isFalse();
    }

    @Test
    void shouldUpdateDocumentWhenRunCloses() throws Exception {
        insert("run-close", "wf-close", 1, "NULL", 4, "NULL", null, SEARCH_ATTRIBUTES);
        ObjectNode running = awaitDocument("wf-close~run-close", d -> true);
        assertThat(running.has("CloseTime")).isFalse();
        assertThat(running.has("ExecutionDuration")).isFalse();
        assertThat(running.has("Memo")).isFalse();

        Databases.execute(
                pipeline.settings().jdbcUrl(),
                "UPDATE temporal_visibility.executions SET status = 3,"
                        + " close_time = '2026-03-04 05:07:08.000250', history_length = 31 WHERE run_id = 'run-close'");

        ObjectNode closed = awaitDocument(
                "wf-close~run-close", d -> d.path("ExecutionStatus").asInt() == 3);
        assertThat(closed.get("CloseTime").asText()).isEqualTo("2026-03-04T05:07:08.000250Z");
        assertThat(closed.get("ExecutionDuration").asLong()).isEqualTo(60_000_250_000L);
        assertThat(closed.get("HistoryLength").asLong()).isEqualTo(31);
        assertThat(closed.get("StartTime").asText()).isEqualTo("2026-03-04T05:06:07.123456Z");
    }

    @Test
    void shouldDeleteDocumentWhenRowDeleted() throws Exception {
        insert("run-delete", "wf-delete", 2, "'2026-03-04 05:06:10'", 9, "NULL", null, SEARCH_ATTRIBUTES);
        awaitDocument("wf-delete~run-delete", d -> true);

        Databases.execute(
                pipeline.settings().jdbcUrl(),
                "DELETE FROM temporal_visibility.executions WHERE run_id = 'run-delete'");

        await().atMost(INDEXED)
                .untilAsserted(() -> assertThat(documents.get(pipeline.alias(), "wf-delete~run-delete"))
                        .isNull());
    }

    @Test
    void shouldKeepLargeMemoAndSearchAttributesWhenOneColumnChanges() throws Exception {
        String memo = "{\"notes\":\"" + incompressible(12_000) + "\",\"customer\":\"c-big\"}";
        String attributes = SEARCH_ATTRIBUTES.replace("express delivery to Lisbon", incompressible(9_000));
        assertThat(memo.getBytes(StandardCharsets.UTF_8).length).isGreaterThan(8 * 1024);
        Databases.execute(
                pipeline.settings().jdbcUrl(),
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id,"
                        + " start_time, execution_time, workflow_id, workflow_type_name, status, history_length, memo, encoding,"
                        + " task_queue, search_attributes) VALUES (?, 'run-big', '2026-03-04 05:06:07', '2026-03-04 05:06:07',"
                        + " 'wf-big', 'PaymentProcessing', 1, 3, convert_to(?, 'UTF8'), 'json/plain', 'payments', CAST(? AS jsonb))",
                NAMESPACE,
                memo,
                attributes);
        awaitDocument("wf-big~run-big", d -> true);

        Databases.execute(
                pipeline.settings().jdbcUrl(),
                "UPDATE temporal_visibility.executions SET history_length = 99 WHERE run_id = 'run-big'");

        ObjectNode updated =
                awaitDocument("wf-big~run-big", d -> d.path("HistoryLength").asLong() == 99);
        assertThat(updated.get("Memo")).isEqualTo(json(memo));
        assertThat(JsonTrees.equal(updated.get("SearchAttributes"), json(attributes)))
                .isTrue();
        assertThat(VisibilityComparator.differences("wf-big~run-big", expected("wf-big~run-big"), updated))
                .isEmpty();
    }

    @Test
    void shouldDeadLetterBadRowsBetweenGoodRowsAndIndexTheGoodOnes() throws Exception {
        insert("run-good-1", "wf-good-1", 1, "NULL", 1, "NULL", null, SEARCH_ATTRIBUTES);
        insert("run-bad-attr", "wf-bad-attr", 1, "NULL", 1, "NULL", null, "{\"NoSuchAttribute\":\"x\"}");
        insert("run-bad-memo", "wf-bad-memo", 1, "NULL", 1, "convert_to('{not json', 'UTF8')", "json/plain", null);
        insert("run-good-2", "wf-good-2", 1, "NULL", 1, "NULL", null, null);

        awaitDocument("wf-good-1~run-good-1", d -> true);
        awaitDocument("wf-good-2~run-good-2", d -> true);
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = deadLetterConsumer()) {
            await().atMost(INDEXED).untilAsserted(() -> {
                for (ConsumerRecord<byte[], byte[]> dead : consumer.poll(Duration.ofMillis(500))) {
                    reasons.add(
                            new String(dead.headers().lastHeader("dlq.reason").value(), StandardCharsets.UTF_8));
                }
                assertThat(reasons).hasSizeGreaterThanOrEqualTo(2);
            });
        }

        assertThat(reasons)
                .anySatisfy(reason -> assertThat(reason).contains("NoSuchAttribute", "is not registered"))
                .anySatisfy(reason -> assertThat(reason).containsIgnoringCase("memo"));
        assertThat(documents.get(pipeline.alias(), "wf-bad-attr~run-bad-attr")).isNull();
        assertThat(documents.get(pipeline.alias(), "wf-bad-memo~run-bad-memo")).isNull();
    }

    private static KafkaConsumer<byte[], byte[]> deadLetterConsumer() {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                pipeline.settings().kafkaBootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                "dlq-reader-" + pipeline.settings().topicPrefix(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest");
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(
                List.of(Topics.visibilityIndexerDlq(pipeline.settings().topicPrefix())));
        return consumer;
    }

    @Test
    void shouldReportADocumentThatNoLongerMatchesItsRow() throws Exception {
        insert("run-tampered", "wf-tampered", 2, "'2026-03-04 05:06:10'", 8, "NULL", null, null);
        ObjectNode doc = awaitDocument("wf-tampered~run-tampered", d -> true);
        doc.put("HistoryLength", 9);
        overwrite("wf-tampered~run-tampered", doc);

        ComparisonReport report = Pipelines.comparator(pipeline).compare();

        assertThat(report.isClean()).isFalse();
        assertThat(report.mismatches())
                .filteredOn(m -> m.documentId().equals("wf-tampered~run-tampered"))
                .singleElement()
                .satisfies(m -> {
                    assertThat(m.field()).isEqualTo("HistoryLength");
                    assertThat(m.expected().asLong()).isEqualTo(8);
                    assertThat(m.actual().asLong()).isEqualTo(9);
                });
    }

    private static void overwrite(String id, ObjectNode doc) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(pipeline.settings()
                                .elasticsearchUrl() + "/" + pipeline.alias() + "/_doc/" + id + "?refresh=true"))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(doc.toString()))
                .build();
        int status = HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.ofString())
                .statusCode();
        assertThat(status).isBetween(200, 299);
    }

    private static void insert(
            String runId,
            String workflowId,
            int status,
            String closeTime,
            long historyLength,
            String memoSql,
            String encoding,
            String searchAttributes)
            throws Exception {
        Databases.execute(
                pipeline.settings().jdbcUrl(),
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id,"
                        + " start_time, execution_time, workflow_id, workflow_type_name, status, close_time, history_length, memo,"
                        + " encoding, task_queue, search_attributes) VALUES (?, ?, '2026-03-04 05:06:07.123456',"
                        + " '2026-03-04 05:06:08', ?, 'OrderFulfillment', ?, " + closeTime + ", ?, " + memoSql
                        + ", ?, 'orders',"
                        + " CAST(? AS jsonb))",
                NAMESPACE,
                runId,
                workflowId,
                status,
                historyLength,
                encoding,
                searchAttributes);
    }

    private static ObjectNode awaitDocument(String id, Predicate<ObjectNode> condition) {
        ObjectNode[] found = new ObjectNode[1];
        await().atMost(INDEXED).untilAsserted(() -> {
            ObjectNode doc = documents.get(pipeline.alias(), id);
            assertThat(doc != null && condition.test(doc))
                    .as("document %s: %s", id, doc)
                    .isTrue();
            found[0] = doc;
        });
        return found[0];
    }

    private static ObjectNode expected(String id) throws Exception {
        return new ExpectedDocuments(pipeline.settings().jdbcUrl(), VisibilityComparator.MAPPER)
                .load()
                .get(id);
    }

    private static JsonNode json(String text) throws Exception {
        return VisibilityComparator.MAPPER.readTree(text);
    }

    /** Random letters and digits: PostgreSQL cannot compress them, so the value is stored out of line (TOAST). */
    private static String incompressible(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(alphabet.charAt(ThreadLocalRandom.current().nextInt(alphabet.length())));
        }
        return text.toString();
    }
}
