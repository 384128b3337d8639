package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.temporal.TemporalAttributes;
import io.temporalcdc.indexer.temporal.TemporalDocumentMapper;
import io.temporalcdc.indexer.temporal.TemporalDocumentRules;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The {@code temporal-v12} profile over the real Kafka and Elasticsearch: changes of Temporal's {@code
 * executions_visibility} as Debezium writes them (JSON without schemas), into an index created from Temporal's
 * visibility schema v14, versioned by {@code _version}. Replays, duplicates, out-of-order changes and a restored
 * database (lower LSNs) leave the index equal to the table.
 */
class TemporalProfileIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NS = TemporalRows.NAMESPACE_ID;
    private static final int SHARDS = 16;

    private static final String TOPIC_PREFIX = Names.unique("tmp-it");
    private static final String INDEX = Names.unique("temporal_visibility_v1_it");
    private static final String SOURCE_TOPIC = Topics.temporalVisibility(TOPIC_PREFIX, "public");

    private static final TemporalDocumentMapper MAPPER =
            new TemporalDocumentMapper(new TemporalAttributes(), SHARDS, name -> {});
    private static final TemporalDocumentRules RULES = new TemporalDocumentRules(new TemporalAttributes());

    private static EmbeddedAppContext ctx;
    private static AutoCloseable app;
    private static KafkaProducer<byte[], byte[]> producer;
    private static EsTestClient es;
    private static long lsn = 5_000_000;

    @BeforeAll
    static void startIndexer() throws Exception {
        LocalStack stack = LocalStack.shared();
        stack.kafka().createTopic(SOURCE_TOPIC, 2);
        es = new EsTestClient(stack.elasticsearch().url());
        producer = IndexerTestSettings.producer();
        ctx = new EmbeddedAppContext("visibility-indexer");
        app = VisibilityIndexerApp.start(
                IndexerTestSettings.onStack(
                        TOPIC_PREFIX,
                        Names.unique("unused"),
                        Names.unique("tmp-it-app"),
                        "source.profile",
                        "temporal-v12",
                        "temporal.index.name",
                        INDEX,
                        "temporal.history.shards",
                        Integer.toString(SHARDS),
                        // deleted documents' versions forgotten at once: only the indexer keeps a run deleted
                        "index.gc.deletes",
                        "0s",
                        "streams.consumer.auto.offset.reset",
                        "earliest"),
                ctx);
        await().atMost(WAIT).untilAsserted(() -> assertThat(ctx.isReady()).isTrue());
    }

    @AfterAll
    static void stopIndexer() throws Exception {
        if (app != null) {
            app.close();
        }
        if (producer != null) {
            producer.close();
        }
    }

    private static ObjectNode row(String workflowId, String runId, long version) {
        return TemporalRows.row(workflowId, runId, version);
    }

    private static ObjectNode closed(ObjectNode row, int status) {
        return TemporalRows.closed(row, status);
    }

    private static synchronized long nextLsn() {
        lsn += 100;
        return lsn;
    }

    private static void send(String op, ObjectNode before, ObjectNode after, long atLsn) throws Exception {
        producer.send(new ProducerRecord<>(
                        SOURCE_TOPIC,
                        TemporalRows.key(after != null ? after : before),
                        TemporalRows.value(op, before, after, atLsn, TOPIC_PREFIX)))
                .get();
    }

    private static void upsert(ObjectNode row) throws Exception {
        send("u", null, row, nextLsn());
    }

    /** A delete as pgoutput gives it under REPLICA IDENTITY DEFAULT. */
    private static void delete(ObjectNode row) throws Exception {
        send("d", TemporalRows.keyOnly(row), null, nextLsn());
    }

    private static String id(ObjectNode row) {
        return TemporalRows.id(row);
    }

    private static JsonNode awaitVersion(String id, long externalVersion) {
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode doc = es.document(INDEX, id);
            assertThat(doc).as("document " + id).isNotNull();
            assertThat(doc.path("_version").asLong()).isEqualTo(externalVersion);
        });
        return es.document(INDEX, id);
    }

    /** The stored {@code _source} equals the golden document of the row and passes Temporal's reader's rules. */
    private static void assertIndexedAs(JsonNode stored, ObjectNode row) throws Exception {
        JsonNode source = stored.path("_source");
        assertThat(source)
                .isEqualTo(JSON.readTree(
                        JSON.writeValueAsString(MAPPER.toDocument(row, Map.of()).source())));
        assertThat(RULES.problems(JSON.writeValueAsString(source))).isEmpty();
    }

    // ---- tests

    @Test
    void shouldCreateTheIndexFromTemporalsSchemaWithTheCustomFieldsMapped() {
        JsonNode mappings = es.get("/" + INDEX + "/_mapping").json().path(INDEX).path("mappings");
        assertThat(mappings.path("_meta").path("temporal_visibility_schema").asText())
                .isEqualTo("v14");
        JsonNode properties = mappings.path("properties");
        assertThat(properties.path("ExecutionStatus").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("Keyword10").path("type").asText()).isEqualTo("keyword");
        // scaled_float as in Temporal's schema; double where the cluster lacks the mapper-extras module (the
        // integ-test distribution of the test stack), for the schema's own Double fields as for the custom ones
        assertThat(properties.path("Double01").path("type").asText()).isIn("scaled_float", "double");
        assertThat(properties.path("Double01").path("type").asText())
                .isEqualTo(properties.path("TemporalDouble01").path("type").asText());
        assertThat(properties.path("Datetime03").path("type").asText()).isEqualTo("date_nanos");
        assertThat(properties.path("Text01").path("type").asText()).isEqualTo("text");
        JsonNode settings = es.get("/" + INDEX + "/_settings")
                .json()
                .path(INDEX)
                .path("settings")
                .path("index");
        assertThat(settings.path("sort").path("field").toString()).isEqualTo("[\"CloseTime\",\"StartTime\",\"RunId\"]");
    }

    @Test
    void shouldIndexUpsertsVersionedByTheirVisibilityTaskId() throws Exception {
        String runId = UUID.randomUUID().toString();
        ObjectNode started = row("order-" + runId, runId, 1_048_600L);
        ObjectNode finished = closed(row("order-" + runId, runId, 1_048_700L), 2);

        upsert(started);
        assertIndexedAs(awaitVersion(id(started), 1_048_600L), started);
        upsert(finished);
        JsonNode stored = awaitVersion(id(finished), 1_048_700L);
        assertIndexedAs(stored, finished);
        assertThat(stored.path("_source").path("ExecutionStatus").asText()).isEqualTo("Completed");

        // what Temporal's own list query does: the namespace, a status, sorted by CloseTime
        es.post("/" + INDEX + "/_refresh", "", "application/json");
        JsonNode hits = es.post(
                        "/" + INDEX + "/_search",
                        "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\"NamespaceId\":\"" + NS + "\"}},"
                                + "{\"term\":{\"ExecutionStatus\":\"Completed\"}},"
                                + "{\"term\":{\"RunId\":\"" + runId + "\"}}]}},"
                                + "\"sort\":[{\"CloseTime\":\"desc\"}]}",
                        "application/json")
                .json()
                .path("hits")
                .path("hits");
        assertThat(hits).hasSize(1);
    }

    @Test
    void shouldLetTemporalsOwnWritesWinAfterTheCutOver() throws Exception {
        String runId = UUID.randomUUID().toString();
        ObjectNode row = row("cut-" + runId, runId, 3_000_000L);
        upsert(row);
        JsonNode stored = awaitVersion(id(row), 3_000_000L);

        // Temporal's Elasticsearch visibility, once switched on, writes with its task id as external version
        // (bulk_processor_v7.go): its next task of the run has a higher id, and must not be refused
        String doc =
                JSON.writeValueAsString(((ObjectNode) stored.path("_source").deepCopy()).put("TaskQueue", "new"));
        String later = "{\"index\":{\"_index\":\"" + INDEX + "\",\"_id\":\"" + id(row)
                + "\",\"version\":3000001,\"version_type\":\"external\"}}\n" + doc + "\n";
        JsonNode answer = es.post("/_bulk", later, "application/x-ndjson").json();
        assertThat(answer.path("items").get(0).path("index").path("status").asInt())
                .isEqualTo(200);
        // an older task of Temporal's is refused, as it would be in Temporal's own index
        String older = later.replace("3000001", "2999999");
        answer = es.post("/_bulk", older, "application/x-ndjson").json();
        assertThat(answer.path("items").get(0).path("index").path("status").asInt())
                .isEqualTo(409);

        // the pipeline's own redelivery of the row's last change comes after Temporal's write: it must not undo it
        upsert(row);
        ObjectNode marker = row("cut-marker-" + runId, runId + "-m", 1L);
        upsert(marker);
        awaitVersion(id(marker), 1L);
        Thread.sleep(2_000); // the sink writes in order per partition; give the other partition its batch too
        JsonNode kept = es.document(INDEX, id(row));
        assertThat(kept.path("_version").asLong()).isEqualTo(3_000_001L);
        assertThat(kept.path("_source").path("TaskQueue").asText()).isEqualTo("new");
    }

    @Test
    void shouldKeepTheHighestVersionThroughReplaysDuplicatesAndDisorder() throws Exception {
        String runId = UUID.randomUUID().toString();
        ObjectNode v30 = closed(row("dup-" + runId, runId, 30L), 3);
        ObjectNode v20 = row("dup-" + runId, runId, 20L);
        ObjectNode v25 = row("dup-" + runId, runId, 25L);
        ObjectNode marker = row("dup-marker-" + runId, runId + "-m", 1L);

        upsert(v30);
        upsert(v20); // older: refused, as Temporal's SQL upsert refuses it
        upsert(v30); // a duplicate
        upsert(v25);
        upsert(marker);
        awaitVersion(id(marker), 1L);
        assertIndexedAs(awaitVersion(id(v30), 30L), v30);
    }

    @Test
    void shouldDeleteAndNeverResurrectARunFromAReplayedUpsert() throws Exception {
        String runId = UUID.randomUUID().toString();
        ObjectNode row = row("del-" + runId, runId, 500L);
        upsert(row);
        awaitVersion(id(row), 500L);

        delete(row);
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(es.document(INDEX, id(row))).isNull());
        upsert(row); // a replay of the last upsert after the delete
        ObjectNode marker = row("del-marker-" + runId, runId + "-m", 1L);
        upsert(marker);
        awaitVersion(id(marker), 1L);
        assertThat(es.document(INDEX, id(row))).isNull();

        // Temporal writes the row again with a higher task id (SQL inserts it anew): it is indexed again
        ObjectNode again = closed(row("del-" + runId, runId, 900L), 5);
        upsert(again);
        assertIndexedAs(awaitVersion(id(again), 900L), again);
    }

    @Test
    void shouldChangeNothingWhenARestoredDatabaseReplaysItsRowsAtLowerLsns() throws Exception {
        String runId = UUID.randomUUID().toString();
        ObjectNode latest = closed(row("restore-" + runId, runId, 7_000L), 4);
        upsert(row("restore-" + runId, runId, 6_000L));
        upsert(latest);
        awaitVersion(id(latest), 7_000L);

        // the restored database's snapshot: older rows, LSNs far below the ones seen
        send("r", null, row("restore-" + runId, runId, 6_000L), 10);
        send("r", null, latest, 20);
        // and a change after the restore: a higher task id at a lower LSN than before
        ObjectNode after = closed(row("restore-" + runId, runId, 7_100L), 2);
        send("u", null, after, 30);
        assertIndexedAs(awaitVersion(id(after), 7_100L), after);
    }

    @Test
    void shouldDeadLetterWhatTemporalWouldNotHaveWrittenAndGoOn() throws Exception {
        String runId = UUID.randomUUID().toString();
        ObjectNode bad = row("bad-" + runId, runId, 1L);
        bad.put("status", 99);
        ObjectNode good = row("good-" + runId, runId + "-g", 2L);
        ObjectNode neverSeen = row("ghost-" + runId, runId + "-x", 3L);
        upsert(bad);
        delete(neverSeen);
        upsert(good);
        awaitVersion(id(good), 2L);
        assertThat(es.document(INDEX, id(bad))).isNull();
        List<String> reasons = deadLetterReasons(2);
        assertThat(reasons).anySatisfy(reason -> assertThat(reason).contains("status 99"));
        assertThat(reasons).anySatisfy(reason -> assertThat(reason).contains("never indexed"));
    }

    private static List<String> deadLetterReasons(int atLeast) {
        List<String> reasons = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        LocalStack.shared().kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        Names.unique("dlq-reader"),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.visibilityIndexerDlq(TOPIC_PREFIX)));
            long deadline = System.currentTimeMillis() + WAIT.toMillis();
            while (reasons.size() < atLeast && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    var header = record.headers().lastHeader(DeadLetters.REASON);
                    reasons.add(header == null ? "" : new String(header.value(), StandardCharsets.UTF_8));
                }
            }
        }
        return reasons;
    }
}
