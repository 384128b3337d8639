package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.RetryExhaustedException;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VisibilityIndexerTopologyTest {
    private static final String PREFIX = "tst";
    private static final long TS = 1_709_288_200_000L;

    private final RecordingEsWriter writer = new RecordingEsWriter();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        var settings = new VisibilityIndexerTopology.Settings(
                PREFIX, new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(2)), registry);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "indexer-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(
                VisibilityIndexerTopology.build(settings, writer, new JsonChangeEventDecoder()), props);
        input = driver.createInputTopic(
                Topics.visibilityExecutions(PREFIX), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(
                Topics.visibilityIndexerDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void pipe(Row row, byte[] value, boolean schemas) {
        input.pipeInput(DebeziumRecords.key(row, schemas), value);
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    @ParameterizedTest(name = "schemas.enable={0}")
    @ValueSource(booleans = {true, false})
    void shouldIndexFullDocumentOnInsertWithLsnAsVersion(boolean schemas) {
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.upsert("c", row, 1000L, TS, schemas), schemas);

        assertThat(writer.calls()).hasSize(1);
        RecordingEsWriter.Call call = writer.calls().get(0);
        assertThat(call.op()).isEqualTo("index");
        assertThat(call.id()).isEqualTo("order-1~run-1");
        assertThat(call.version()).isEqualTo(1000L);
        assertThat(call.source().get("StartTime").asText()).isEqualTo("2024-03-01T10:15:30.000120Z");
        assertThat(call.source().get("Memo").get("note").asText()).isEqualTo("hello");
        assertThat(call.source().get("SearchAttributes").get("CustomIntField").intValue())
                .isEqualTo(7);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldReplaceDocumentOnUpdate() {
        Row row = Row.running("order-1", "run-1");
        pipe(row, DebeziumRecords.upsert("c", row, 1000L, TS, true), true);
        row.set("status", 2).set("close_time", 1_709_288_191_000_000L).set("history_length", 11L);

        pipe(row, DebeziumRecords.upsert("u", row, 2000L, TS + 1, true), true);

        assertThat(writer.calls()).extracting(RecordingEsWriter.Call::op).containsExactly("index", "index");
        RecordingEsWriter.Call update = writer.calls().get(1);
        assertThat(update.version()).isEqualTo(2000L);
        assertThat(update.source().get("ExecutionStatus").intValue()).isEqualTo(2);
        assertThat(update.source().get("HistoryLength").longValue()).isEqualTo(11L);
        assertThat(update.source().get("ExecutionDuration").longValue()).isEqualTo(60_000_000_000L);
        assertThat(update.source().get("Memo").get("note").asText()).isEqualTo("hello");
    }

    @Test
    void shouldIndexSnapshotReads() {
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.upsert("r", row, 500L, TS, false), false);

        assertThat(writer.calls()).extracting(RecordingEsWriter.Call::op).containsExactly("index");
    }

    @Test
    void shouldDeleteDocumentWhenRowDeleted() {
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.delete(row, 3000L, TS, true), true);

        assertThat(writer.calls()).containsExactly(new RecordingEsWriter.Call("delete", "order-1~run-1", null, 3000L));
        assertThat(counter("visibility.indexer.documents.deleted")).isEqualTo(1.0);
    }

    @Test
    void shouldSkipTombstones() {
        Row row = Row.running("order-1", "run-1");

        pipe(row, null, true);

        assertThat(writer.calls()).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counter("visibility.indexer.tombstones")).isEqualTo(1.0);
    }

    @Test
    void shouldCountTruncateWithoutWriting() {
        input.pipeInput(null, DebeziumRecords.truncate(4000L, TS, false));

        assertThat(writer.calls()).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counter("visibility.indexer.truncates")).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterUndecodableRecordWithOriginalBytesAndHeadersAndCarryOn() {
        Row good = Row.running("order-2", "run-2");
        byte[] garbage = "{not json".getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        input.pipeInput(new TestRecord<>("k1".getBytes(StandardCharsets.UTF_8), garbage, headers));

        pipe(good, DebeziumRecords.upsert("c", good, 1000L, TS, true), true);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(dead.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
        assertThat(dead.value()).isEqualTo(garbage);
        assertThat(header(dead, "trace")).isEqualTo("abc");
        assertThat(header(dead, DeadLetters.REASON)).startsWith("undecodable: ");
        assertThat(header(dead, DeadLetters.EXCEPTION)).isEqualTo("io.temporalcdc.runtime.DecodingException");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.visibilityExecutions(PREFIX));
        assertThat(header(dead, DeadLetters.SOURCE_PARTITION)).isEqualTo("0");
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(writer.calls()).extracting(RecordingEsWriter.Call::id).containsExactly("order-2~run-2");
        assertThat(counter("visibility.indexer.dlq.records")).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterDeleteWithoutFullBeforeImage() {
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.deleteKeyOnly(row, 3000L, TS, true), true);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("unmappable: key column workflow_id is missing or NULL");
        assertThat(header(dead, DeadLetters.EXCEPTION)).isEqualTo(DocumentMappingException.class.getName());
        assertThat(writer.calls()).isEmpty();
    }

    @Test
    void shouldDeadLetterRowWithInvalidSearchAttributes() {
        Row bad = Row.running("order-1", "run-1").set("search_attributes", "{oops");
        Row good = Row.running("order-2", "run-2");

        pipe(bad, DebeziumRecords.upsert("c", bad, 1000L, TS, false), false);
        pipe(good, DebeziumRecords.upsert("c", good, 1001L, TS, false), false);

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON))
                .startsWith("unmappable: search_attributes is not valid JSON");
        assertThat(writer.calls()).extracting(RecordingEsWriter.Call::id).containsExactly("order-2~run-2");
    }

    @Test
    void shouldDeadLetterDocumentsElasticsearchRejectsAndCarryOn() {
        writer.thenThrow(
                new DocumentRejectedException(
                        "strict_dynamic_mapping_exception",
                        "[1:200] mapping set to strict, dynamic introduction of [Unknown] within [SearchAttributes] is not allowed"));
        Row rejected = Row.running("order-1", "run-1");
        Row good = Row.running("order-2", "run-2");

        pipe(rejected, DebeziumRecords.upsert("c", rejected, 1000L, TS, true), true);
        pipe(good, DebeziumRecords.upsert("c", good, 1001L, TS, true), true);

        TestRecord<byte[], byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON))
                .startsWith(
                        "rejected by Elasticsearch: strict_dynamic_mapping_exception: [1:200] mapping set to strict");
        assertThat(header(dead, DeadLetters.EXCEPTION)).isEqualTo(DocumentRejectedException.class.getName());
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(writer.calls())
                .extracting(RecordingEsWriter.Call::id)
                .containsExactly("order-1~run-1", "order-2~run-2");
        assertThat(counter("visibility.indexer.documents.indexed")).isEqualTo(1.0);
    }

    @Test
    void shouldTreatVersionConflictAsAlreadyNewer() {
        writer.thenAnswer(WriteOutcome.STALE);
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.upsert("u", row, 1000L, TS, true), true);

        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counter("visibility.indexer.stale.writes")).isEqualTo(1.0);
        assertThat(counter("visibility.indexer.documents.indexed")).isEqualTo(0.0);
    }

    @Test
    void shouldRetryTransientFailures() {
        writer.thenThrow(new TransientWriteException("connection refused", null))
                .thenThrow(new TransientWriteException("429 es_rejected_execution_exception", null));
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.upsert("c", row, 1000L, TS, true), true);

        assertThat(writer.calls())
                .hasSize(3)
                .extracting(RecordingEsWriter.Call::version)
                .containsOnly(1000L);
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(counter("visibility.indexer.documents.indexed")).isEqualTo(1.0);
    }

    @Test
    void shouldFailWhenRetriesAreExhaustedWithoutDeadLettering() {
        TransientWriteException down = new TransientWriteException("connection refused", null);
        writer.thenThrow(down).thenThrow(down).thenThrow(down);
        Row row = Row.running("order-1", "run-1");

        assertThatThrownBy(() -> pipe(row, DebeziumRecords.upsert("c", row, 1000L, TS, true), true))
                .hasRootCauseInstanceOf(TransientWriteException.class)
                .satisfies(e -> assertThat(causes(e)).anyMatch(RetryExhaustedException.class::isInstance));
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(writer.calls()).hasSize(3);
    }

    @Test
    void shouldFailOnUnexpectedWriterErrors() {
        writer.thenThrow(new IllegalStateException("index refused by Elasticsearch: 404 index_not_found_exception"));
        Row row = Row.running("order-1", "run-1");

        assertThatThrownBy(() -> pipe(row, DebeziumRecords.upsert("c", row, 1000L, TS, true), true))
                .hasRootCauseMessage("index refused by Elasticsearch: 404 index_not_found_exception");
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRecordCommitToIndexedLatency() {
        Row row = Row.running("order-1", "run-1");

        pipe(row, DebeziumRecords.upsert("c", row, 1000L, System.currentTimeMillis() - 250, true), true);

        var timer = registry.get("visibility.indexer.commit.to.indexed").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(250.0, 60_000.0);
    }

    @Test
    void shouldNameNodesAndTopicsExplicitly() {
        var settings = new VisibilityIndexerTopology.Settings(PREFIX, RetryPolicy.defaults(), registry);
        String description = VisibilityIndexerTopology.build(settings, writer, new JsonChangeEventDecoder())
                .describe()
                .toString();

        assertThat(description)
                .contains(
                        "Source: " + VisibilityIndexerTopology.SOURCE
                                + " (topics: [tst.temporal_visibility.executions])",
                        "Processor: " + VisibilityIndexerTopology.INDEXER,
                        "Sink: " + VisibilityIndexerTopology.DEAD_LETTER_SINK + " (topic: tst.visibility-indexer.dlq)");
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
