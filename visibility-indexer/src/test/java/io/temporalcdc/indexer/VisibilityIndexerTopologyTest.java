package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.DebeziumRecords.At;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.UnmappableChangeException;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production topology through {@link TopologyTestDriver}, fed with records built by Kafka Connect's
 * JsonConverter as Debezium writes them; the output is the documents topic and the dead-letter topic, through the
 * production exception handlers.
 */
class VisibilityIndexerTopologyTest {
    private static final String PREFIX = "tst";
    private static final long TS = 1_709_288_200_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> executions;
    private TestInputTopic<byte[], byte[]> custom;
    private TestOutputTopic<String, byte[]> documents;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    private void start(SearchAttributeRegistry attributes, VersionEpochs epochs) {
        var settings = new VisibilityIndexerTopology.Settings(PREFIX, attributes, epochs, registry);
        driver = IndexerDrivers.of(
                VisibilityIndexerTopology.build(settings, new JsonChangeEventDecoder()),
                PREFIX,
                "indexer-test",
                registry);
        executions = driver.createInputTopic(
                Topics.visibilityExecutions(PREFIX), new ByteArraySerializer(), new ByteArraySerializer());
        custom = driver.createInputTopic(
                Topics.visibilityCustomSearchAttributes(PREFIX), new ByteArraySerializer(), new ByteArraySerializer());
        documents = driver.createOutputTopic(
                Topics.visibilityDocuments(PREFIX), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(
                Topics.visibilityIndexerDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private void start() {
        start(SearchAttributeRegistry.seedOnly(), VersionEpochs.none());
    }

    @AfterEach
    void closeDriver() {
        if (driver != null) {
            driver.close();
        }
    }

    private void upsert(String op, Row row, At at) {
        executions.pipeInput(DebeziumRecords.key(row, true), DebeziumRecords.upsert(op, row, at, true));
    }

    private void upsert(String op, Row row, long lsn) {
        upsert(op, row, new At(-1, lsn, TS));
    }

    private void customUpsert(Row row, String attributes, At at) {
        custom.pipeInput(
                DebeziumRecords.customKey(row, true), DebeziumRecords.customUpsert("c", row, attributes, at, true));
    }

    private static long version(long position, int sequence) {
        return new DocumentVersion(0, position, sequence).asLong();
    }

    private static String header(Iterable<Header> headers, String name) {
        Header last = null;
        for (Header header : headers) {
            if (header.key().equals(name)) {
                last = header;
            }
        }
        return last == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static long versionOf(TestRecord<String, byte[]> record) {
        return Long.parseLong(header(record.headers(), DocumentHeaders.VERSION));
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    @ParameterizedTest(name = "schemas.enable={0}")
    @ValueSource(booleans = {true, false})
    void shouldWriteTheFullDocumentOnInsertWithItsVersionAndCommitTime(boolean schemas) {
        start();
        Row row = Row.running("order-1", "run-1");

        executions.pipeInput(
                DebeziumRecords.key(row, schemas), DebeziumRecords.upsert("c", row, new At(-1, 1000L, TS), schemas));

        TestRecord<String, byte[]> doc = documents.readRecord();
        assertThat(doc.key()).isEqualTo("order-1~run-1");
        assertThat(versionOf(doc)).isEqualTo(version(1000L, 0));
        assertThat(header(doc.headers(), DocumentHeaders.SOURCE_TS_MS)).isEqualTo(Long.toString(TS));
        JsonNode source = json(doc.value());
        assertThat(source.get("StartTime").asText()).isEqualTo("2024-03-01T10:15:30.000120Z");
        assertThat(source.get("Memo").get("note").asText()).isEqualTo("hello");
        assertThat(source.get("SearchAttributes").get("CustomIntField").intValue())
                .isEqualTo(7);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(documents.isEmpty()).isTrue();
    }

    @Test
    void shouldReplaceTheDocumentOnUpdateWithAHigherVersion() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("c", row, new At(900L, 1000L, TS));
        row.set("status", 2).set("close_time", 1_709_288_191_000_000L).set("history_length", 11L);

        upsert("u", row, new At(1500L, 2000L, TS + 1));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs)
                .extracting(VisibilityIndexerTopologyTest::versionOf)
                .containsExactly(version(900L, 0), version(1500L, 0));
        JsonNode update = json(docs.get(1).value());
        assertThat(update.get("ExecutionStatus").intValue()).isEqualTo(2);
        assertThat(update.get("ExecutionDuration").longValue()).isEqualTo(60_000_000_000L);
    }

    @Test
    void shouldWriteATombstoneWithAVersionWhenTheRowIsDeleted() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("c", row, 1000L);

        executions.pipeInput(
                DebeziumRecords.key(row, true), DebeziumRecords.delete(row, new At(2500L, 3000L, TS), true));
        executions.pipeInput(DebeziumRecords.key(row, true), (byte[]) null);

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs).hasSize(2);
        assertThat(docs.get(1).key()).isEqualTo("order-1~run-1");
        assertThat(docs.get(1).value()).isNull();
        assertThat(versionOf(docs.get(1))).isEqualTo(version(2500L, 0));
        assertThat(counter("visibility.indexer.tombstones")).isEqualTo(1.0);
    }

    @Test
    void shouldOrderTheChangesOfOneTransactionBySequence() {
        start();
        Row row = Row.running("order-1", "run-1");

        upsert("c", row, new At(700L, 800L, TS));
        upsert("u", row.set("history_length", 6L), new At(700L, 810L, TS));
        upsert("u", row.set("history_length", 7L), new At(700L, 820L, TS));

        assertThat(documents.readRecordsToList())
                .extracting(VisibilityIndexerTopologyTest::versionOf)
                .containsExactly(version(700L, 0), version(700L, 1), version(700L, 2));
    }

    @Test
    void shouldLetAStreamedChangeOutrankTheSnapshotReadOfItsRowEvenWithALowerLsn() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("r", row, new At(-1, 5000L, TS));

        // a transaction that began before the slot's consistent point (5000) and committed after it
        upsert("u", row.set("status", 2).set("close_time", 1_709_288_191_000_000L), new At(-1, 4900L, TS + 1));
        upsert("u", row.set("history_length", 9L), new At(6000L, 6100L, TS + 2));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs)
                .extracting(VisibilityIndexerTopologyTest::versionOf)
                .containsExactly(version(5000L, 0), version(5000L, 1), version(6000L, 0));
        assertThat(json(docs.get(1).value()).get("ExecutionStatus").intValue()).isEqualTo(2);
    }

    @Test
    void shouldNotLetTheFirstTransactionOfAnotherClusterOutrankTheSnapshotReadItDidNotFollow() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("r", row, new At(-1, 5000L, TS));
        documents.readRecordsToList();

        // a restored cluster with lower LSNs: its snapshot read is refused as older, and so is its first transaction
        upsert("r", row.set("status", 2), new At(-1, 300L, TS + 1));
        upsert("u", row.set("status", 3), new At(-1, 310L, TS + 2));

        assertThat(documents.isEmpty()).isTrue();
        assertThat(counter("visibility.indexer.replayed.changes")).isEqualTo(2.0);
    }

    @Test
    void shouldSkipReplaysOfOlderChangesAndWriteARedeliveredOneAgainWithTheSameVersion() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("c", row, new At(900L, 1000L, TS));
        upsert("u", row.set("status", 2), new At(1500L, 2000L, TS));
        documents.readRecordsToList();

        upsert("c", Row.running("order-1", "run-1"), new At(900L, 1000L, TS));
        upsert("u", row, new At(1500L, 2000L, TS));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs).hasSize(1);
        assertThat(versionOf(docs.get(0))).isEqualTo(version(1500L, 0));
        assertThat(json(docs.get(0).value()).get("ExecutionStatus").intValue()).isEqualTo(2);
        assertThat(counter("visibility.indexer.replayed.changes")).isEqualTo(1.0);
        assertThat(counter("visibility.indexer.redelivered.changes")).isEqualTo(1.0);
    }

    @Test
    void shouldStartVersionsOverAboveEverythingAtAVersionEpoch() {
        Instant cutOver = Instant.ofEpochMilli(TS + 1000);
        start(SearchAttributeRegistry.seedOnly(), new VersionEpochs(List.of(cutOver)));
        Row row = Row.running("order-1", "run-1");
        upsert("c", row, new At(90_000L, 100_000L, TS));

        // the restored cluster's LSNs are lower, but its changes were committed after the cut-over
        upsert("u", row.set("status", 3), new At(400L, 500L, TS + 2000));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs).hasSize(2);
        assertThat(versionOf(docs.get(1))).isGreaterThan(versionOf(docs.get(0)));
        assertThat(DocumentVersion.of(versionOf(docs.get(1))).epoch()).isEqualTo(1);
    }

    @Test
    void shouldJoinCustomSearchAttributesArrivingAfterTheExecutionsRow() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("c", row, new At(900L, 1000L, TS));

        customUpsert(row, "{\"CustomKeywordField\":\"silver\",\"CustomBoolField\":true}", new At(900L, 1010L, TS));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs).hasSize(2);
        JsonNode attributes = json(docs.get(1).value()).get("SearchAttributes");
        // the custom table wins for an attribute both carry; the executions row keeps the others
        assertThat(attributes.get("CustomKeywordField").asText()).isEqualTo("silver");
        assertThat(attributes.get("CustomBoolField").asBoolean()).isTrue();
        assertThat(attributes.get("CustomIntField").intValue()).isEqualTo(7);
        assertThat(versionOf(docs.get(1))).isEqualTo(version(900L, 1));
    }

    @Test
    void shouldKeepCustomSearchAttributesUntilTheirExecutionsRowArrives() {
        start();
        Row row = Row.running("order-1", "run-1").set("search_attributes", null);
        customUpsert(row, "{\"CustomDoubleField\":1.5}", new At(900L, 990L, TS));
        assertThat(documents.isEmpty()).isTrue();

        upsert("c", row, new At(900L, 1000L, TS));

        TestRecord<String, byte[]> doc = documents.readRecord();
        assertThat(json(doc.value())
                        .get("SearchAttributes")
                        .get("CustomDoubleField")
                        .doubleValue())
                .isEqualTo(1.5);
        assertThat(documents.isEmpty()).isTrue();
    }

    @Test
    void shouldUpdateAndRemoveCustomSearchAttributesWithTheirRow() {
        start();
        Row row = Row.running("order-1", "run-1").set("search_attributes", null);
        upsert("c", row, new At(900L, 1000L, TS));
        customUpsert(row, "{\"CustomDoubleField\":1.5}", new At(1100L, 1110L, TS));
        custom.pipeInput(
                DebeziumRecords.customKey(row, true),
                DebeziumRecords.customUpsert("u", row, "{\"CustomDoubleField\":2.5}", new At(1200L, 1210L, TS), true));

        custom.pipeInput(
                DebeziumRecords.customKey(row, true),
                DebeziumRecords.customDelete(row, "{\"CustomDoubleField\":2.5}", new At(1300L, 1310L, TS), true));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs).hasSize(4);
        assertThat(json(docs.get(2).value())
                        .get("SearchAttributes")
                        .get("CustomDoubleField")
                        .doubleValue())
                .isEqualTo(2.5);
        assertThat(json(docs.get(3).value()).has("SearchAttributes")).isFalse();
        assertThat(docs).extracting(VisibilityIndexerTopologyTest::versionOf).isSorted();
    }

    @Test
    void shouldRemoveTheDocumentWhenTheExecutionsRowIsDeletedWhateverTheCustomRowSays() {
        start();
        Row row = Row.running("order-1", "run-1");
        upsert("c", row, new At(900L, 1000L, TS));
        customUpsert(row, "{\"CustomDoubleField\":1.5}", new At(900L, 1010L, TS));

        executions.pipeInput(
                DebeziumRecords.key(row, true), DebeziumRecords.delete(row, new At(2000L, 2100L, TS), true));

        List<TestRecord<String, byte[]>> docs = documents.readRecordsToList();
        assertThat(docs.get(docs.size() - 1).value()).isNull();
    }

    @Test
    void shouldCoerceRegisteredAttributesLosslesslyAndAddNewOnes() {
        start(
                new SearchAttributeRegistry(
                        SearchAttributeRegistry.parse(
                                List.of("CustomerTier:Keyword", "Priority:Int", "Tags:KeywordList")),
                        false),
                VersionEpochs.none());
        Row row = Row.running("order-1", "run-1")
                .set(
                        "search_attributes",
                        "{\"CustomIntField\":\"42\",\"Priority\":3.0,\"Tags\":\"a\",\"CustomerTier\":\"gold\"}");

        upsert("c", row, 1000L);

        JsonNode attributes = json(documents.readRecord().value()).get("SearchAttributes");
        assertThat(attributes.get("CustomIntField").isIntegralNumber()).isTrue();
        assertThat(attributes.get("CustomIntField").longValue()).isEqualTo(42L);
        assertThat(attributes.get("Priority").longValue()).isEqualTo(3L);
        assertThat(attributes.get("Tags").isArray()).isTrue();
        assertThat(attributes.get("CustomerTier").asText()).isEqualTo("gold");
    }

    @Test
    void shouldDeadLetterAnUnregisteredAttributeByDefaultAndIndexLaterRows() {
        start();
        Row bad = Row.running("order-1", "run-1").set("search_attributes", "{\"CustomUnknownField\":\"x\"}");
        Row good = Row.running("order-2", "run-2");

        upsert("c", bad, 1000L);
        upsert("c", good, 1001L);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetters.REASON))
                .startsWith("unmappable: search attribute CustomUnknownField (in search_attributes) is not registered");
        assertThat(documents.readRecordsToList()).extracting(TestRecord::key).containsExactly("order-2~run-2");
    }

    @Test
    void shouldIndexWithoutAnUnregisteredAttributeWhenConfiguredToDropIt() {
        start(new SearchAttributeRegistry(Map.of(), true), VersionEpochs.none());
        Row row = Row.running("order-1", "run-1")
                .set("search_attributes", "{\"CustomUnknownField\":\"x\",\"CustomIntField\":1}");

        upsert("c", row, 1000L);

        JsonNode attributes = json(documents.readRecord().value()).get("SearchAttributes");
        assertThat(attributes.has("CustomUnknownField")).isFalse();
        assertThat(attributes.get("CustomIntField").intValue()).isEqualTo(1);
        assertThat(counter("visibility.indexer.unknown.attributes.dropped")).isEqualTo(1.0);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterAValueThatCannotBeCoercedNamingTheAttribute() {
        start();
        Row row = Row.running("order-1", "run-1").set("search_attributes", "{\"CustomIntField\":\"forty-two\"}");

        upsert("c", row, 1000L);

        assertThat(header(deadLetters.readRecord().headers(), DeadLetters.REASON))
                .contains("search attribute CustomIntField is registered as Int");
        assertThat(documents.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterUndecodableRecordWithOriginalBytesAndHeadersAndCarryOn() {
        start();
        Row good = Row.running("order-2", "run-2");
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        executions.pipeInput(new TestRecord<>("k1".getBytes(StandardCharsets.UTF_8), garbage, headers));

        upsert("c", good, 1000L);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead.headers(), "trace")).isEqualTo("abc");
        assertThat(header(dead.headers(), DeadLetters.REASON)).startsWith("undecodable: ");
        assertThat(header(dead.headers(), DeadLetters.EXCEPTION)).isEqualTo("io.temporalcdc.runtime.DecodingException");
        assertThat(header(dead.headers(), DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.visibilityExecutions(PREFIX));
        assertThat(header(dead.headers(), DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(documents.readRecordsToList()).extracting(TestRecord::key).containsExactly("order-2~run-2");
        assertThat(counter("visibility.indexer.dlq.records")).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterDeleteWithoutFullBeforeImage() {
        start();
        Row row = Row.running("order-1", "run-1");

        executions.pipeInput(DebeziumRecords.key(row, true), DebeziumRecords.deleteKeyOnly(row, 3000L, TS, true));

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead.headers(), DeadLetters.REASON))
                .isEqualTo("unmappable: key column workflow_id is missing or NULL");
        assertThat(header(dead.headers(), DeadLetters.EXCEPTION)).isEqualTo(UnmappableChangeException.class.getName());
        assertThat(documents.isEmpty()).isTrue();
    }

    @Test
    void shouldDeadLetterRowWithInvalidSearchAttributes() {
        start();
        Row bad = Row.running("order-1", "run-1").set("search_attributes", "{oops");
        Row good = Row.running("order-2", "run-2");

        upsert("c", bad, 1000L);
        upsert("c", good, 1001L);

        assertThat(header(deadLetters.readRecord().headers(), DeadLetters.REASON))
                .startsWith("unmappable: search_attributes is not valid JSON");
        assertThat(documents.readRecordsToList()).extracting(TestRecord::key).containsExactly("order-2~run-2");
    }

    @Test
    void shouldCountTruncateWithoutWriting() {
        start();

        executions.pipeInput(null, DebeziumRecords.truncate(4000L, TS, false));

        assertThat(documents.isEmpty()).isTrue();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counter("visibility.indexer.truncates")).isEqualTo(1.0);
    }

    @Test
    void shouldNameNodesStoresAndTopicsExplicitly() {
        var settings = new VisibilityIndexerTopology.Settings(
                PREFIX, SearchAttributeRegistry.seedOnly(), VersionEpochs.none(), registry);
        String description = VisibilityIndexerTopology.build(settings, new JsonChangeEventDecoder())
                .describe()
                .toString();

        assertThat(description)
                .contains(
                        "Source: " + VisibilityIndexerTopology.EXECUTIONS_SOURCE
                                + " (topics: [tst.temporal_visibility.executions])",
                        "Source: " + VisibilityIndexerTopology.CUSTOM_SOURCE
                                + " (topics: [tst.temporal_visibility.custom_search_attributes])",
                        "Processor: " + VisibilityIndexerTopology.JOINER + " (stores: ["
                                + VisibilityIndexerTopology.STORE + "])",
                        "Sink: " + VisibilityIndexerTopology.DOCUMENTS_SINK + " (topic: tst.visibility.documents)",
                        VisibilityIndexerTopology.ROW_CHANGES + "-repartition");
    }
}
