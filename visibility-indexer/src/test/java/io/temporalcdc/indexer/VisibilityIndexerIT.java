package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.ElasticsearchContracts;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The indexer app (the production start-up, in this JVM) over the real Kafka and Elasticsearch of the stack,
 * fed with records built by Kafka Connect's JsonConverter exactly as Debezium writes them. One app for the
 * class, on a unique topic prefix, index prefix and application id; each test uses its own workflow ids.
 */
class VisibilityIndexerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ALL_SEARCH_ATTRIBUTES = "{\"CustomKeywordField\":\"gold\",\"CustomIntField\":7,"
            + "\"CustomDoubleField\":2.5,\"CustomBoolField\":true,\"CustomDatetimeField\":\"2024-03-01T10:15:30.000120Z\","
            + "\"CustomStringField\":\"hello world\"}";

    private static final String TOPIC_PREFIX = Names.unique("vis-it");
    private static final String INDEX_PREFIX = Names.unique("vis-it");
    private static final String SOURCE_TOPIC = Topics.visibilityExecutions(TOPIC_PREFIX);

    private static EmbeddedAppContext ctx;
    private static AutoCloseable app;
    private static KafkaProducer<byte[], byte[]> producer;
    private static EsTestClient es;
    private static long lsn = 1_000;

    @BeforeAll
    static void startIndexer() throws Exception {
        LocalStack stack = LocalStack.shared();
        stack.kafka().createTopic(SOURCE_TOPIC, 1);
        es = new EsTestClient(stack.elasticsearch().url());
        producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        ctx = new EmbeddedAppContext("visibility-indexer");
        app = VisibilityIndexerApp.start(
                IndexerTestSettings.onStack(
                        TOPIC_PREFIX,
                        INDEX_PREFIX,
                        Names.unique("vis-it-app"),
                        "streams.consumer.auto.offset.reset",
                        "earliest",
                        "search.attributes",
                        VisibilityIndexerConfig.SEED_ATTRIBUTES + ",CustomerTier:Keyword,RetryCount:Int"),
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

    private static synchronized long nextLsn() {
        lsn += 10;
        return lsn;
    }

    private static void send(byte[] key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(SOURCE_TOPIC, key, value)).get();
    }

    private static void sendCustom(byte[] key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.visibilityCustomSearchAttributes(TOPIC_PREFIX), key, value))
                .get();
    }

    private static void customUpsert(String op, Row row, String attributes, long lsn) throws Exception {
        sendCustom(
                DebeziumRecords.customKey(row, true),
                DebeziumRecords.customUpsert(
                        op, row, attributes, new DebeziumRecords.At(-1, lsn, System.currentTimeMillis()), true));
    }

    /** The documents whose {@code SearchAttributes.<attribute>} is the keyword {@code value}. */
    private static List<String> searchByAttribute(String attribute, String value) throws Exception {
        es.post("/" + INDEX_PREFIX + "/_refresh", "", "application/json");
        JsonNode hits = es.post(
                        "/" + INDEX_PREFIX + "/_search",
                        "{\"query\":{\"term\":{\"SearchAttributes." + attribute + "\":" + JSON.writeValueAsString(value)
                                + "}}}",
                        "application/json")
                .json()
                .path("hits")
                .path("hits");
        List<String> ids = new ArrayList<>();
        hits.forEach(hit -> ids.add(hit.path("_id").asText()));
        return ids;
    }

    private static void upsert(String op, Row row, long version) throws Exception {
        send(
                DebeziumRecords.key(row, true),
                DebeziumRecords.upsert(op, row, version, System.currentTimeMillis(), true));
    }

    private static Row newRow() {
        String unique = UUID.randomUUID().toString();
        return Row.running("wf-" + unique, unique)
                .set("namespace_id", DebeziumRecords.pad("ns-it", 64))
                .set("search_attributes", ALL_SEARCH_ATTRIBUTES);
    }

    private static String id(Row row) {
        return row.get("workflow_id") + "~" + row.get("run_id").toString().strip();
    }

    /** Waits for the document written for the change at {@code lsn} (streamed, no earlier commit known). */
    private static JsonNode awaitDocument(String id, long lsn) {
        long version = new DocumentVersion(0, lsn, 0).asLong();
        await().atMost(WAIT).untilAsserted(() -> {
            JsonNode doc = es.document(INDEX_PREFIX, id);
            assertThat(doc).as("document " + id).isNotNull();
            assertThat(doc.path("_version").asLong()).isEqualTo(version);
        });
        return es.document(INDEX_PREFIX, id);
    }

    @Test
    void shouldIndexInsertWithEveryFieldAsSpecified() throws Exception {
        Row row = newRow();
        String runId = row.get("run_id").toString().strip();
        long version = nextLsn();

        upsert("c", row, version);

        awaitDocument(id(row), version);
        String expected = JSON.writeValueAsString(
                JSON.readTree("""
                {"NamespaceId":"ns-it","WorkflowId":"%s","RunId":"%s","WorkflowType":"OrderWorkflow",
                 "StartTime":"2024-03-01T10:15:30.000120Z","ExecutionTime":"2024-03-01T10:15:31.000000Z",
                 "ExecutionStatus":1,"HistoryLength":5,"TaskQueue":"orders","Memo":{"note":"hello"},
                 "SearchAttributes":%s}
                """.formatted(row.get("workflow_id"), runId, ALL_SEARCH_ATTRIBUTES)));
        assertThat(es.rawSource(INDEX_PREFIX, id(row))).isEqualTo(expected);
    }

    @Test
    void shouldReplaceDocumentWhenRunCloses() throws Exception {
        Row row = newRow();
        upsert("c", row, nextLsn());
        row.set("status", 3).set("close_time", 1_709_288_191_000_007L).set("history_length", 42L);
        long closed = nextLsn();

        upsert("u", row, closed);

        JsonNode source = awaitDocument(id(row), closed).path("_source");
        assertThat(source.path("ExecutionStatus").asInt()).isEqualTo(3);
        assertThat(source.path("CloseTime").asText()).isEqualTo("2024-03-01T10:16:31.000007Z");
        assertThat(source.path("ExecutionDuration").asLong()).isEqualTo(60_000_007_000L);
        assertThat(source.path("HistoryLength").asLong()).isEqualTo(42L);
        assertThat(source.path("Memo").path("note").asText()).isEqualTo("hello");
        assertThat(source.path("SearchAttributes").path("CustomStringField").asText())
                .isEqualTo("hello world");
    }

    @Test
    void shouldKeepLargeMemoAndSearchAttributesWhenOneColumnChanges() throws Exception {
        String bigText = "x".repeat(12_000);
        Row row = newRow().set("memo", ("{\"big\":\"" + bigText + "\"}").getBytes(StandardCharsets.UTF_8))
                .set("search_attributes", "{\"CustomStringField\":\"" + bigText + "\",\"CustomIntField\":1}");
        upsert("c", row, nextLsn());
        row.set("history_length", 6L);
        long updated = nextLsn();

        upsert("u", row, updated);

        JsonNode source = awaitDocument(id(row), updated).path("_source");
        assertThat(source.path("Memo").path("big").asText()).hasSize(12_000);
        assertThat(source.path("SearchAttributes").path("CustomStringField").asText())
                .hasSize(12_000);
        assertThat(source.path("HistoryLength").asLong()).isEqualTo(6L);
    }

    @Test
    void shouldDeleteDocumentWhenRowDeletedAndKeepItDeletedOnReplay() throws Exception {
        Row row = newRow();
        long created = nextLsn();
        upsert("c", row, created);
        awaitDocument(id(row), created);

        send(DebeziumRecords.key(row, true), DebeziumRecords.delete(row, nextLsn(), System.currentTimeMillis(), true));
        send(DebeziumRecords.key(row, true), null);
        upsert("c", row, created);
        Row marker = newRow();
        long markerVersion = nextLsn();
        upsert("c", marker, markerVersion);

        awaitDocument(id(marker), markerVersion);
        assertThat(es.document(INDEX_PREFIX, id(row))).isNull();
    }

    @Test
    void shouldNotRegressDocumentWhenAnOlderVersionIsReplayed() throws Exception {
        Row row = newRow();
        long created = nextLsn();
        upsert("c", row, created);
        row.set("status", 2).set("close_time", 1_709_288_200_000_000L);
        long closed = nextLsn();
        upsert("u", row, closed);
        awaitDocument(id(row), closed);
        Row opened = newRow();

        upsert(
                "c",
                Row.running(
                                row.get("workflow_id").toString(),
                                row.get("run_id").toString().strip())
                        .set("namespace_id", row.get("namespace_id")),
                created);
        long markerVersion = nextLsn();
        upsert("c", opened, markerVersion);

        awaitDocument(id(opened), markerVersion);
        JsonNode doc = es.document(INDEX_PREFIX, id(row));
        assertThat(DocumentVersion.of(doc.path("_version").asLong()).position()).isEqualTo(closed);
        assertThat(doc.path("_source").path("ExecutionStatus").asInt()).isEqualTo(2);
        assertThat(doc.path("_source").has("CloseTime")).isTrue();
    }

    @Test
    void shouldDeadLetterBadRecordsBetweenGoodOnesAndIndexTheGoodOnes() throws Exception {
        Row good1 = newRow();
        Row good2 = newRow();
        Row good3 = newRow();
        Row unknownAttribute = newRow().set("search_attributes", "{\"CustomUnknownField\":\"x\"}");
        // registered as an Int (64 bits) but the seed maps CustomIntField as a 32-bit integer: Elasticsearch refuses it
        Row tooBig = newRow().set("search_attributes", "{\"CustomIntField\":3000000000}");
        byte[] garbageKey = ("garbage-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8);
        long last = nextLsn() + 100;

        upsert("c", good1, nextLsn());
        send(garbageKey, "{\"payload\": not json".getBytes(StandardCharsets.UTF_8));
        upsert("c", good2, nextLsn());
        upsert("c", unknownAttribute, nextLsn());
        upsert("c", tooBig, nextLsn());
        upsert("c", good3, last);

        awaitDocument(id(good3), last);
        assertThat(es.document(INDEX_PREFIX, id(good1))).isNotNull();
        assertThat(es.document(INDEX_PREFIX, id(good2))).isNotNull();
        assertThat(es.document(INDEX_PREFIX, id(unknownAttribute))).isNull();
        List<ConsumerRecord<byte[], byte[]>> dead = readDeadLetters(3);
        ConsumerRecord<byte[], byte[]> garbage = reasonStarting(dead, "undecodable: ");
        ConsumerRecord<byte[], byte[]> unknown =
                reasonStarting(dead, "unmappable: search attribute CustomUnknownField");
        ConsumerRecord<byte[], byte[]> rejected =
                reasonStarting(dead, "rejected by Elasticsearch: document_parsing_exception");
        assertThat(garbage.key()).isEqualTo(garbageKey);
        assertThat(header(unknown, DeadLetters.SOURCE_TOPIC)).isEqualTo(SOURCE_TOPIC);
        assertThat(Long.parseLong(header(unknown, DeadLetters.SOURCE_OFFSET)))
                .isGreaterThan(Long.parseLong(header(garbage, DeadLetters.SOURCE_OFFSET)));
        // the sink dead-letters the document it could not write, keyed by its id, with its version
        assertThat(new String(rejected.key(), StandardCharsets.UTF_8)).isEqualTo(id(tooBig));
        assertThat(header(rejected, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.visibilityDocuments(TOPIC_PREFIX));
        assertThat(header(rejected, DocumentHeaders.VERSION)).isNotNull();
        assertThat(es.document(INDEX_PREFIX, id(tooBig))).isNull();
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(ctx.registry().scrape())
                        .contains(
                                "visibility_indexer_dlq_records_total 2.0",
                                "visibility_indexer_sink_dead_letters_total 1.0"));
    }

    @Test
    void shouldJoinCustomSearchAttributesArrivingAfterTheirRowAndFollowTheirUpdatesAndDelete() throws Exception {
        Row row = newRow();
        long created = nextLsn();
        upsert("c", row, created);
        awaitDocument(id(row), created);

        customUpsert("c", row, "{\"CustomerTier\":\"platinum\",\"CustomKeywordField\":\"from-custom\"}", nextLsn());
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(searchByAttribute("CustomerTier", "platinum"))
                        .containsExactly(id(row)));
        JsonNode attributes = es.document(INDEX_PREFIX, id(row)).path("_source").path("SearchAttributes");
        assertThat(attributes.path("CustomKeywordField").asText()).isEqualTo("from-custom");
        assertThat(attributes.path("CustomIntField").asInt()).isEqualTo(7);

        customUpsert("u", row, "{\"CustomerTier\":\"gold-" + id(row) + "\"}", nextLsn());
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(searchByAttribute("CustomerTier", "gold-" + id(row)))
                        .containsExactly(id(row)));
        sendCustom(
                DebeziumRecords.customKey(row, true),
                DebeziumRecords.customDelete(
                        row, "{}", new DebeziumRecords.At(-1, nextLsn(), System.currentTimeMillis()), true));
        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(es.document(INDEX_PREFIX, id(row))
                                .path("_source")
                                .path("SearchAttributes")
                                .has("CustomerTier"))
                        .isFalse());
        assertThat(es.document(INDEX_PREFIX, id(row))
                        .path("_source")
                        .path("SearchAttributes")
                        .path("CustomKeywordField")
                        .asText())
                .isEqualTo("gold");
    }

    @Test
    void shouldKeepCustomSearchAttributesArrivingFirstUntilTheirRowIsIndexed() throws Exception {
        Row row = newRow();
        String tier = "early-" + UUID.randomUUID();
        customUpsert("c", row, "{\"CustomerTier\":\"" + tier + "\",\"RetryCount\":\"3\"}", nextLsn());

        upsert("c", row, nextLsn());

        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(searchByAttribute("CustomerTier", tier)).containsExactly(id(row)));
        // registered as Int: the string "3" was coerced without loss
        assertThat(es.document(INDEX_PREFIX, id(row))
                        .path("_source")
                        .path("SearchAttributes")
                        .path("RetryCount")
                        .isInt())
                .isTrue();
    }

    @Test
    void shouldMakeARegisteredAttributeTheSeedLacksSearchable() throws Exception {
        Row row = newRow().set("search_attributes", "{\"CustomerTier\":\"registered-" + UUID.randomUUID() + "\"}");
        String tier = JSON.readTree(row.get("search_attributes").toString())
                .path("CustomerTier")
                .asText();

        upsert("c", row, nextLsn());

        await().atMost(WAIT)
                .untilAsserted(() ->
                        assertThat(searchByAttribute("CustomerTier", tier)).containsExactly(id(row)));
        JsonNode mapping = es.get("/" + INDEX_PREFIX + "/_mapping").json();
        assertThat(mapping.findPath("CustomerTier").path("type").asText()).isEqualTo("keyword");
        assertThat(mapping.findPath("RetryCount").path("type").asText()).isEqualTo("long");
    }

    @Test
    void shouldCreateTheIndexWithTheSeedMappingPlusTheRegisteredAttributes() {
        JsonNode mapping = es.get("/" + INDEX_PREFIX + "_index-000001/_mapping")
                .json()
                .path(INDEX_PREFIX + "_index-000001")
                .path("mappings");

        // the registered attributes are added; the seed's own fields are exactly the seed's
        ObjectNode attributes =
                (ObjectNode) mapping.path("properties").path("SearchAttributes").path("properties");
        assertThat(attributes.remove("CustomerTier")).isNotNull();
        assertThat(attributes.remove("RetryCount")).isNotNull();
        // Elasticsearch drops "type":"object" next to "properties" (object is the default): normalise both sides.
        assertThat(normalized(mapping)).isEqualTo(normalized(ElasticsearchContracts.mapping()));
        assertThat(mapping.path("dynamic").asText()).isEqualTo("strict");
    }

    @Test
    void shouldPublishIndexerAndKafkaStreamsMetrics() throws Exception {
        Row row = newRow();
        long version = nextLsn();
        upsert("c", row, version);
        awaitDocument(id(row), version);

        String scrape = ctx.registry().scrape();

        assertThat(scrape)
                .contains(
                        "visibility_indexer_documents_indexed_total",
                        "visibility_indexer_commit_to_indexed_seconds{quantile=\"0.5\"}",
                        "visibility_indexer_commit_to_indexed_seconds{quantile=\"0.99\"}",
                        "kafka_stream_thread_");
        assertThat(ctx.failure()).isNull();
    }

    private static JsonNode normalized(JsonNode node) {
        JsonNode copy = node.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode object) {
            if (object.has("properties") && "object".equals(object.path("type").asText())) {
                object.remove("type");
            }
            for (Iterator<JsonNode> children = object.elements(); children.hasNext(); ) {
                strip(children.next());
            }
        }
    }

    private static ConsumerRecord<byte[], byte[]> reasonStarting(
            List<ConsumerRecord<byte[], byte[]>> dead, String prefix) {
        return dead.stream()
                .filter(r -> header(r, DeadLetters.REASON).startsWith(prefix))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no dead letter whose reason starts with " + prefix + " in "
                        + dead.stream().map(r -> header(r, DeadLetters.REASON)).toList()));
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<byte[], byte[]>> readDeadLetters(int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                LocalStack.shared().kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG, Names.unique("dlq-reader"),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.visibilityIndexerDlq(TOPIC_PREFIX)));
            await().atMost(WAIT).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                assertThat(records).hasSizeGreaterThanOrEqualTo(expected);
            });
        }
        return records;
    }
}
