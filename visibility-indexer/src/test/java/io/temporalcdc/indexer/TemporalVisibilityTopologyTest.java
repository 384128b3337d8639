package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.temporal.TemporalAttributes;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The temporal-v12 topology through {@link TopologyTestDriver}: what it writes to the documents topic, and why. */
class TemporalVisibilityTopologyTest {
    private static final String PREFIX = "tmp";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> changes;
    private TestOutputTopic<String, byte[]> documents;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private long lsn = 1_000;

    @BeforeEach
    void start() {
        driver = IndexerDrivers.of(
                TemporalVisibilityTopology.build(
                        new TemporalVisibilityTopology.Settings(
                                PREFIX, "public", new TemporalAttributes(), 4, registry),
                        new JsonChangeEventDecoder()),
                PREFIX,
                "temporal-topology-test",
                registry);
        changes = driver.createInputTopic(
                Topics.temporalVisibility(PREFIX, "public"), new ByteArraySerializer(), new ByteArraySerializer());
        documents = driver.createOutputTopic(
                Topics.visibilityDocuments(PREFIX), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(
                Topics.visibilityIndexerDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        driver.close();
    }

    private void upsert(ObjectNode row) {
        lsn += 10;
        changes.pipeInput(TemporalRows.key(row), TemporalRows.value("u", null, row, lsn, PREFIX));
    }

    private void delete(ObjectNode row) {
        lsn += 10;
        changes.pipeInput(TemporalRows.key(row), TemporalRows.value("d", TemporalRows.keyOnly(row), null, lsn, PREFIX));
    }

    private static long version(TestRecord<String, byte[]> record) {
        return Long.parseLong(
                new String(record.headers().lastHeader(DocumentHeaders.VERSION).value(), StandardCharsets.UTF_8));
    }

    private static long int01(TestRecord<String, byte[]> record) throws Exception {
        return JSON.readTree(record.value()).path("Int01").asLong();
    }

    @Test
    void shouldVersionUpsertsByTheirVisibilityTaskIdAsTemporalDoes() throws Exception {
        ObjectNode row = TemporalRows.row("wf-1", "run-1", 10);
        upsert(row);
        TestRecord<String, byte[]> written = documents.readRecord();
        assertThat(written.key()).isEqualTo("wf-1~run-1");
        assertThat(version(written)).isEqualTo(10);
        assertThat(int01(written)).isEqualTo(10);
    }

    @Test
    void shouldDropOlderChangesAndRewriteTheCurrentOneOnRedelivery() throws Exception {
        upsert(TemporalRows.row("wf-2", "run-2", 30));
        upsert(TemporalRows.row("wf-2", "run-2", 20)); // older: written by nobody
        upsert(TemporalRows.row("wf-2", "run-2", 30)); // the same again: rewritten (a lost write made good)
        List<TestRecord<String, byte[]>> written = documents.readRecordsToList();
        assertThat(written).hasSize(2);
        assertThat(written).allSatisfy(record -> assertThat(version(record)).isEqualTo(30));
        assertThat(registry.get("visibility.indexer.replayed.changes").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldDeleteAboveEveryUpsertItFollowsAndKeepTheRunDeleted() throws Exception {
        ObjectNode row = TemporalRows.row("wf-3", "run-3", 40);
        upsert(row);
        delete(row);
        upsert(row); // a replay after the delete
        upsert(TemporalRows.row("wf-3", "run-3", 39)); // an older one
        List<TestRecord<String, byte[]>> written = documents.readRecordsToList();
        assertThat(written).hasSize(2);
        assertThat(written.get(1).value()).isNull();
        assertThat(written.get(1).key()).isEqualTo("wf-3~run-3");
        assertThat(version(written.get(1))).isEqualTo(41);

        upsert(TemporalRows.row("wf-3", "run-3", 42)); // written again by Temporal, as SQL would take it
        TestRecord<String, byte[]> again = documents.readRecord();
        assertThat(version(again)).isEqualTo(42);
        assertThat(int01(again)).isEqualTo(42);
    }

    @Test
    void shouldDeadLetterADeleteOfARunNeverSeenAndAnUnmappableRow() {
        ObjectNode ghost = TemporalRows.row("wf-4", "run-4", 1);
        delete(ghost);
        ObjectNode bad = TemporalRows.row("wf-5", "run-5", 1);
        bad.put("status", 42);
        upsert(bad);
        upsert(TemporalRows.row("wf-6", "run-6", 1));
        assertThat(documents.readRecordsToList()).extracting(TestRecord::key).containsExactly("wf-6~run-6");
        List<String> reasons = deadLetters.readRecordsToList().stream()
                .map(r -> new String(r.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                .toList();
        assertThat(reasons).hasSize(2);
        assertThat(reasons.get(0)).contains("never indexed");
        assertThat(reasons.get(1)).contains("status 42");
    }

    @Test
    void shouldForgetADeletedRunAfterTheRetentionAndKeepTheLiveOnes() {
        ObjectNode deleted = TemporalRows.row("wf-7", "run-7", 70);
        ObjectNode live = TemporalRows.row("wf-8", "run-8", 80);
        upsert(deleted);
        upsert(live);
        delete(deleted);
        documents.readRecordsToList();
        var versions = driver.<String, byte[]>getKeyValueStore(TemporalVisibilityTopology.STORE);
        var deletes = driver.<String, byte[]>getKeyValueStore(TemporalVisibilityTopology.DELETES_STORE);
        assertThat(count(versions)).isEqualTo(2);
        assertThat(count(deletes)).isEqualTo(1);

        driver.advanceWallClockTime(TemporalVisibilityTopology.DELETED_RETENTION.minusMinutes(30));
        upsert(deleted); // within the retention: still refused
        assertThat(documents.isEmpty()).isTrue();

        driver.advanceWallClockTime(java.time.Duration.ofMinutes(40));
        assertThat(count(deletes)).isZero();
        assertThat(versions.get(RowChangeMapper.rowKey(TemporalRows.NAMESPACE_ID, "run-7")))
                .isNull();
        assertThat(versions.get(RowChangeMapper.rowKey(TemporalRows.NAMESPACE_ID, "run-8")))
                .isNotNull();
    }

    @Test
    void shouldDeleteARunNeverSeenFromAFullBeforeImage() {
        ObjectNode row = TemporalRows.row("wf-9", "run-9", 90);
        lsn += 10;
        // REPLICA IDENTITY FULL: the before image carries the workflow id and the version
        changes.pipeInput(TemporalRows.key(row), TemporalRows.value("d", row, null, lsn, PREFIX));
        TestRecord<String, byte[]> tombstone = documents.readRecord();
        assertThat(tombstone.key()).isEqualTo("wf-9~run-9");
        assertThat(tombstone.value()).isNull();
        assertThat(version(tombstone)).isEqualTo(91);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldKeepARunDeletedAgainForTheWholeRetentionOfItsLastDelete() {
        ObjectNode row = TemporalRows.row("wf-10", "run-10", 100);
        upsert(row);
        delete(row);
        driver.advanceWallClockTime(java.time.Duration.ofDays(3));
        upsert(TemporalRows.row("wf-10", "run-10", 110)); // written again by Temporal
        delete(row); // and deleted again, three days after the first delete
        documents.readRecordsToList();
        // the first delete's retention ends: the row, deleted again since, is kept
        driver.advanceWallClockTime(
                TemporalVisibilityTopology.DELETED_RETENTION.minusDays(3).plusMinutes(20));
        upsert(TemporalRows.row("wf-10", "run-10", 105)); // a replay older than the second delete
        assertThat(documents.isEmpty()).isTrue();
        // the second's ends too: forgotten
        driver.advanceWallClockTime(java.time.Duration.ofDays(3).plusMinutes(20));
        var versions = driver.<String, byte[]>getKeyValueStore(TemporalVisibilityTopology.STORE);
        assertThat(versions.get(RowChangeMapper.rowKey(TemporalRows.NAMESPACE_ID, "run-10")))
                .isNull();
    }

    private static int count(org.apache.kafka.streams.state.KeyValueStore<String, byte[]> store) {
        int entries = 0;
        try (var all = store.all()) {
            while (all.hasNext()) {
                all.next();
                entries++;
            }
        }
        return entries;
    }
}
