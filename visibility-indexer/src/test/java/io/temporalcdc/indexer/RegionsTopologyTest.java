package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.DebeziumRecords.At;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The topology with two regions, a and b, each region's indexer (local a, local b) fed the same changes in crossed
 * orders: both write the same winner, the state with the higher last_write_version, then db_record_version, then
 * region name.
 */
class RegionsTopologyTest {
    private static final String PREFIX = "tst";
    private static final long TS = 1_709_288_200_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Region> regions = new ArrayList<>();

    /** One region's indexer. */
    private final class Region {
        final String local;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        final TopologyTestDriver driver;
        final TestOutputTopic<String, byte[]> documents;
        final TestOutputTopic<byte[], byte[]> deadLetters;

        Region(String local) {
            this.local = local;
            SourceRegions sources = new SourceRegions(local, local.equals("a") ? List.of("a", "b") : List.of("b", "a"));
            var settings = new VisibilityIndexerTopology.Settings(
                    PREFIX, SearchAttributeRegistry.seedOnly(), VersionEpochs.none(), registry, sources);
            driver = IndexerDrivers.of(
                    VisibilityIndexerTopology.build(settings, new JsonChangeEventDecoder()),
                    PREFIX,
                    "indexer-" + local + "-" + regions.size(),
                    registry);
            documents = driver.createOutputTopic(
                    Topics.visibilityDocuments(PREFIX), new StringDeserializer(), new ByteArrayDeserializer());
            deadLetters = driver.createOutputTopic(
                    Topics.visibilityIndexerDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            regions.add(this);
        }

        /** The topic of {@code region}'s changes of a table, as this region's Kafka names it. */
        TestInputTopic<byte[], byte[]> topic(String region, String localTopic) {
            String name = region.equals(local) ? localTopic : Topics.mirrored(region, localTopic);
            return driver.createInputTopic(name, new ByteArraySerializer(), new ByteArraySerializer());
        }

        void visibility(String region, Row row, At at) {
            topic(region, Topics.visibilityExecutions(PREFIX))
                    .pipeInput(DebeziumRecords.key(row, false), DebeziumRecords.upsert("u", row, at, false));
        }

        void execution(String region, Row row, long lastWriteVersion, long dbRecordVersion, At at) {
            topic(region, Topics.table(PREFIX, "temporal", "executions"))
                    .pipeInput(
                            "{}".getBytes(StandardCharsets.UTF_8),
                            executionRecord(row, lastWriteVersion, dbRecordVersion, at));
        }

        /** The run's deletion: its execution row (key only, as REPLICA IDENTITY DEFAULT gives) and visibility row. */
        void delete(String region, Row row, At at) {
            topic(region, Topics.table(PREFIX, "temporal", "executions"))
                    .pipeInput("{}".getBytes(StandardCharsets.UTF_8), executionDelete(row, at));
            topic(region, Topics.visibilityExecutions(PREFIX))
                    .pipeInput(DebeziumRecords.key(row, false), DebeziumRecords.delete(row, at, false));
        }

        /** @return the last document written for each id */
        Map<String, TestRecord<String, byte[]>> lastDocuments() {
            Map<String, TestRecord<String, byte[]>> last = new HashMap<>();
            documents.readRecordsToList().forEach(r -> last.put(r.key(), r));
            return last;
        }

        double superseded() {
            return registry.get("visibility.indexer.superseded.changes")
                    .counter()
                    .count();
        }
    }

    @AfterEach
    void close() {
        regions.forEach(r -> r.driver.close());
    }

    /** A change of the run's temporal.executions row, as Debezium writes it without schemas. */
    private static byte[] executionRecord(Row row, long lastWriteVersion, long dbRecordVersion, At at) {
        var after = JSON.createObjectNode()
                .put("shard_id", 1)
                .put("namespace_id", (String) row.get("namespace_id"))
                .put("workflow_id", (String) row.get("workflow_id"))
                .put("run_id", (String) row.get("run_id"))
                .put("last_write_version", lastWriteVersion)
                .put("db_record_version", dbRecordVersion);
        var source = JSON.createObjectNode()
                .put("connector", "postgresql")
                .put("name", PREFIX)
                .put("ts_ms", at.tsMs())
                .put("snapshot", "false")
                .put("db", "temporal")
                .put("schema", "temporal")
                .put("table", "executions")
                .put(
                        "sequence",
                        "[" + (at.lastCommit() < 0 ? "null" : "\"" + at.lastCommit() + "\"") + ",\"" + at.lsn() + "\"]")
                .put("lsn", at.lsn());
        var envelope = JSON.createObjectNode();
        envelope.putNull("before");
        envelope.set("after", after);
        envelope.set("source", source);
        envelope.put("op", "u").put("ts_ms", at.tsMs() + 5);
        try {
            return JSON.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A delete of the run's temporal.executions row: Debezium fills the non-key columns of the before image with 0. */
    private static byte[] executionDelete(Row row, At at) {
        try {
            var envelope =
                    (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(executionRecord(row, 0, 0, at));
            envelope.set("before", envelope.get("after"));
            envelope.putNull("after");
            envelope.put("op", "d");
            return JSON.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(byte[] value) {
        try {
            return JSON.readTree(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Region a's and b's states of one run: a running at (lwv 1, dbrv 5), b completed at (lwv 2, dbrv 3). */
    private static void writeA(Region region, Row running) {
        region.execution("a", running, 1, 5, new At(900, 1000, TS));
        region.visibility("a", running, new At(900, 1000, TS));
    }

    private static void writeB(Region region, Row completed, long lastWriteVersion, long dbRecordVersion) {
        region.visibility("b", completed, new At(40_000, 50_000, TS + 10));
        region.execution("b", completed, lastWriteVersion, dbRecordVersion, new At(40_000, 50_000, TS + 10));
    }

    @Test
    void shouldWriteTheHigherLastWriteVersionInBothRegionsWhateverTheArrivalOrder() {
        Row running = Row.running("order-1", "run-1");
        Row completed = Row.running("order-1", "run-1").set("status", 2).set("close_time", 1_709_288_190_000_000L);
        Region a = new Region("a");
        Region b = new Region("b");

        writeA(a, running); // a's own change first, then b's mirrored
        writeB(a, completed, 2, 3);
        writeB(b, completed, 2, 3); // b's own first, then a's mirrored
        writeA(b, running);

        for (Region region : List.of(a, b)) {
            TestRecord<String, byte[]> doc = region.lastDocuments().get("order-1~run-1");
            assertThat(doc).as("region %s", region.local).isNotNull();
            assertThat(json(doc.value()).path("ExecutionStatus").asText())
                    .as("region %s indexes b's state (last_write_version 2 > 1)", region.local)
                    .isEqualTo("2");
            assertThat(region.deadLetters.isEmpty()).isTrue();
        }
        // in b, a's change lost: kept, not written
        assertThat(b.superseded()).isPositive();
    }

    @Test
    void shouldBreakEqualLastWriteVersionsByDbRecordVersionThenRegionName() {
        Row running = Row.running("order-1", "run-1");
        Row completed = Row.running("order-1", "run-1").set("status", 2);
        // equal last_write_version 1: a's db_record_version 5 beats b's 3
        Region a = new Region("a");
        Region b = new Region("b");
        writeB(a, completed, 1, 3);
        writeA(a, running);
        writeA(b, running);
        writeB(b, completed, 1, 3);
        for (Region region : List.of(a, b)) {
            assertThat(json(region.lastDocuments().get("order-1~run-1").value())
                            .path("ExecutionStatus")
                            .asText())
                    .as("region %s", region.local)
                    .isEqualTo("1");
        }
        // equal both: the greater region name, b, wins
        Region a2 = new Region("a");
        Region b2 = new Region("b");
        writeA(a2, running);
        writeB(a2, completed, 1, 5);
        writeB(b2, completed, 1, 5);
        writeA(b2, running);
        for (Region region : List.of(a2, b2)) {
            assertThat(json(region.lastDocuments().get("order-1~run-1").value())
                            .path("ExecutionStatus")
                            .asText())
                    .as("region %s", region.local)
                    .isEqualTo("2");
        }
    }

    @Test
    void shouldWriteWithGrowingVersionsAndSwitchBackWhenTheLoserOvertakes() {
        Row running = Row.running("order-1", "run-1");
        Row completed = Row.running("order-1", "run-1").set("status", 2);
        Region a = new Region("a");
        writeA(a, running);
        writeB(a, completed, 2, 3);
        // a fails back over with a higher failover version: a's next state wins again
        Row terminated = Row.running("order-1", "run-1").set("status", 5);
        a.visibility("a", terminated, new At(1000, 2000, TS + 20));
        a.execution("a", terminated, 3, 6, new At(1000, 2000, TS + 20));

        List<TestRecord<String, byte[]>> written = a.documents.readRecordsToList();
        List<String> statuses = written.stream()
                .map(r -> json(r.value()).path("ExecutionStatus").asText())
                .toList();
        assertThat(statuses).first().isEqualTo("1");
        assertThat(statuses).contains("2");
        assertThat(statuses).last().isEqualTo("5");
        List<Long> versions = written.stream()
                .map(r -> Long.parseLong(new String(
                        r.headers().lastHeader(DocumentHeaders.VERSION).value(), StandardCharsets.UTF_8)))
                .toList();
        assertThat(versions).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void shouldDeleteTheDocumentInBothRegionsOnceBothRegionsDeletedTheRun() {
        Row running = Row.running("order-1", "run-1");
        Region a = new Region("a");
        Region b = new Region("b");
        // the same state in both regions (b applied a's row), then both delete it (retention), crossed
        for (Region region : List.of(a, b)) {
            String first = region == a ? "a" : "b";
            String second = region == a ? "b" : "a";
            region.execution(first, running, 1, 5, new At(900, 1000, TS));
            region.visibility(first, running, new At(900, 1000, TS));
            region.execution(second, running, 1, 5, new At(900, 1000, TS));
            region.visibility(second, running, new At(900, 1000, TS));
            region.delete(first, running, new At(2000, 3000, TS + 50));
            region.delete(second, running, new At(2000, 3000, TS + 50));
        }
        for (Region region : List.of(a, b)) {
            TestRecord<String, byte[]> last = region.lastDocuments().get("order-1~run-1");
            assertThat(last.value())
                    .as("region %s ends with a tombstone", region.local)
                    .isNull();
            assertThat(region.deadLetters.isEmpty()).isTrue();
        }
    }

    @Test
    void shouldNotWriteAgainForTheOtherRegionsCopyOrForAVersionOnlyChange() {
        Row running = Row.running("order-1", "run-1");
        Region a = new Region("a");
        writeA(a, running);
        assertThat(a.documents.readRecordsToList()).hasSize(1);
        // b's copy of the same state (the subscription), in either order of its two topics: no write, no flapping
        a.visibility("b", running, new At(40_000, 50_000, TS + 10));
        a.execution("b", running, 1, 5, new At(40_000, 50_000, TS + 10));
        // a's next execution write without a visibility change (a workflow task): no write either
        a.execution("a", running, 1, 6, new At(1000, 2000, TS + 20));
        assertThat(a.documents.readRecordsToList()).isEmpty();
        // a's next visibility change is written, at the new version
        Row completed = Row.running("order-1", "run-1").set("status", 2);
        a.visibility("a", completed, new At(2000, 3000, TS + 30));
        List<TestRecord<String, byte[]>> written = a.documents.readRecordsToList();
        assertThat(written).hasSize(1);
        assertThat(json(written.get(0).value()).path("ExecutionStatus").asText())
                .isEqualTo("2");
    }
}
