package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.schemas.ConflictVersion;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.Topics;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The topology in region a of a and b: both regions' topics invalidate; temporal.executions' name the winner. */
class RegionsTopologyTest {
    private static final String PREFIX = "p";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InvalidatorMetrics metrics = new InvalidatorMetrics(registry);
    private TopologyTestDriver driver;

    @AfterEach
    void stop() {
        if (driver != null) {
            driver.close();
        }
    }

    private TestOutputTopic<String, byte[]> start(SourceRegions regions) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "invalidator-regions-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        Map<String, Object> handlers = new HashMap<>();
        StreamsErrorHandling.configure(
                handlers,
                Topics.cacheInvalidatorDlq(PREFIX),
                List.of(Topics.cacheInvalidations(PREFIX)),
                metrics.deadLetters(),
                metrics.productionErrors());
        props.putAll(handlers);
        driver = new TopologyTestDriver(
                CacheInvalidatorTopology.build(
                        new CacheInvalidatorTopology.Settings(PREFIX, metrics, regions),
                        new JsonChangeEventDecoder(InvalidationRules.COLUMNS)),
                props);
        return driver.createOutputTopic(
                Topics.cacheInvalidations(PREFIX), new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void pipe(String topic, byte[] value) {
        driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer())
                .pipeInput(Changes.key("{}"), value);
    }

    private static byte[] execution(String runId, long lastWriteVersion, long dbRecordVersion) {
        return Changes.create(
                Changes.workflowRow(
                        "ns-1",
                        "order-1",
                        Map.of(
                                "run_id", runId,
                                "last_write_version", lastWriteVersion,
                                "db_record_version", dbRecordVersion)),
                1_000);
    }

    @Test
    void shouldNameTheRunAndItsConflictVersionOfEachRegionsExecutionChange() {
        TestOutputTopic<String, byte[]> out = start(new SourceRegions("a", List.of("a", "b")));
        String executions = Topics.table(PREFIX, "temporal", "executions");
        pipe(executions, execution("run-1", 1, 5));
        pipe(Topics.mirrored("b", executions), execution("run-1", 2, 3));
        pipe(
                Topics.mirrored("b", Topics.table(PREFIX, "temporal", "activity_info_maps")),
                Changes.create(Changes.workflowRow("ns-1", "order-1", Map.of()), 1_000));

        List<TestRecord<String, byte[]>> records = out.readRecordsToList();
        assertThat(records).extracting(TestRecord::key).containsOnly(RedisKeys.workflowMeta("ns-1", "order-1"));
        assertThat(records).hasSize(3);
        assertThat(InvalidationRecord.winner(records.get(0).headers()))
                .contains(new InvalidationRecord.Winner("run-1", new ConflictVersion(1, 5, "a")));
        assertThat(InvalidationRecord.winner(records.get(1).headers()))
                .contains(new InvalidationRecord.Winner("run-1", new ConflictVersion(2, 3, "b")));
        assertThat(InvalidationRecord.winner(records.get(2).headers())).isEmpty();
    }

    @Test
    void shouldNameNoWinnerWithOneRegion() {
        TestOutputTopic<String, byte[]> out = start(SourceRegions.single());
        pipe(Topics.table(PREFIX, "temporal", "executions"), execution("run-1", 1, 5));
        assertThat(InvalidationRecord.winner(out.readRecord().headers())).isEmpty();
    }

    @Test
    void shouldInvalidateAnExecutionChangeWithoutItsVersionsAndCountIt() {
        TestOutputTopic<String, byte[]> out = start(new SourceRegions("a", List.of("a", "b")));
        TestOutputTopic<byte[], byte[]> deadLetters = driver.createOutputTopic(
                Topics.cacheInvalidatorDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        pipe(
                Topics.table(PREFIX, "temporal", "executions"),
                Changes.create(Changes.workflowRow("ns-1", "order-1", Map.of("run_id", "run-1")), 1_000));
        TestRecord<String, byte[]> record = out.readRecord();
        assertThat(record.key()).isEqualTo(RedisKeys.workflowMeta("ns-1", "order-1"));
        assertThat(InvalidationRecord.winner(record.headers())).isEmpty();
        assertThat(deadLetters.isEmpty()).isTrue();
        assertThat(registry.get("cache.invalidator.winner.versions.unreadable")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldInvalidateOnAnExecutionDeleteWithoutNamingAWinner() {
        TestOutputTopic<String, byte[]> out = start(new SourceRegions("a", List.of("a", "b")));
        // REPLICA IDENTITY DEFAULT: the before image has the key, and 0 in the version columns
        pipe(
                Topics.mirrored("b", Topics.table(PREFIX, "temporal", "executions")),
                Changes.delete(
                        Changes.workflowRow(
                                "ns-1",
                                "order-1",
                                Map.of("run_id", "run-1", "last_write_version", 0, "db_record_version", 0)),
                        1_000));
        TestRecord<String, byte[]> record = out.readRecord();
        assertThat(record.key()).isEqualTo(RedisKeys.workflowMeta("ns-1", "order-1"));
        assertThat(InvalidationRecord.winner(record.headers())).isEmpty();
    }
}
