package io.temporalcdc.crossregion;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.DetectingChangeEventDecoder;
import io.temporalcdc.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Region b's instance: its own visibility topic and region a's, mirrored as {@code a.<topic>}. */
class CrossRegionTopologyTest {
    private static final String PREFIX = "p";
    private static final String TABLE = "temporal_visibility.executions";
    private static final Instant START = Instant.parse("2026-11-30T00:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> local;
    private TestInputTopic<byte[], byte[]> mirrored;
    private TestOutputTopic<String, String> events;
    private ReplicationStatus status;

    @BeforeEach
    void start(@TempDir Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "cross-region-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        status = new ReplicationStatus(registry, () -> driver == null ? 0 : START.toEpochMilli(), List.of(TABLE));
        CrossRegionTopology.Settings settings = new CrossRegionTopology.Settings(
                PREFIX,
                "b",
                "a",
                new LinkedHashSet<>(List.of("a", "b")),
                List.of(TABLE),
                Duration.ofSeconds(60),
                Duration.ofSeconds(5),
                status);
        driver = new TopologyTestDriver(
                CrossRegionTopology.build(settings, new DetectingChangeEventDecoder(null, null)), props, START);
        String topic = Topics.visibilityExecutions(PREFIX);
        local = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        mirrored = driver.createInputTopic(
                Topics.mirrored("a", topic), new ByteArraySerializer(), new ByteArraySerializer());
        events = driver.createOutputTopic(
                Topics.replicationEvents(PREFIX), new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldMatchTheSameChangeInBothRegionsAndMeasureTheLag() throws Exception {
        mirrored.pipeInput(record("a", "run-1", 1, 10_000));
        local.pipeInput(record("b", "run-1", 1, 10_350));

        JsonNode event = JSON.readTree(events.readValue());
        assertThat(event.path("type").asText()).isEqualTo("replicated");
        assertThat(event.path("table").asText()).isEqualTo(TABLE);
        assertThat(event.path("originRegion").asText()).isEqualTo("a");
        assertThat(event.path("region").asText()).isEqualTo("b");
        assertThat(event.path("lagMs").asLong()).isEqualTo(350);
        assertThat(events.isEmpty()).isTrue();
        assertThat(status.status().get(0).path("replicated").asLong()).isEqualTo(1);
    }

    @Test
    void shouldOpenADivergenceOnceTheBoundPassesAndCloseItWhenTheRegionsAgree() throws Exception {
        mirrored.pipeInput(record("a", "run-2", 1, 10_000));
        local.pipeInput(record("b", "run-2", 1, 10_100));
        events.readValue();
        // region b's row deleted by hand
        local.pipeInput(delete("b", "run-2", 1, 20_000));

        driver.advanceWallClockTime(Duration.ofSeconds(30));
        assertThat(events.isEmpty()).as("within the bound").isTrue();
        driver.advanceWallClockTime(Duration.ofSeconds(35));
        TestRecord<String, String> opened = events.readRecord();
        assertThat(opened.key()).startsWith(TABLE + "/").contains("run-2");
        assertThat(JSON.readTree(opened.value()).path("type").asText()).isEqualTo("divergence-opened");
        assertThat(JSON.readTree(opened.value()).path("versions").path("b").asText())
                .isEqualTo(RowVersions.DELETED);
        assertThat(status.status().get(0).path("openDivergences").asInt()).isEqualTo(1);

        // re-synced: the row written back in region b as region a has it
        local.pipeInput(record("b", "run-2", 1, 90_000));

        assertThat(JSON.readTree(events.readValue()).path("type").asText()).isEqualTo("divergence-closed");
        assertThat(status.status().get(0).path("openDivergences").asInt()).isZero();
    }

    @Test
    void shouldTellTheRegionFromTheTopicWhenTheHeaderIsMissing() throws Exception {
        TestRecord<byte[], byte[]> fromA = record("a", "run-3", 2, 1_000);
        fromA.headers().remove(Topics.REGION_HEADER);
        mirrored.pipeInput(fromA);
        TestRecord<byte[], byte[]> fromB = record("b", "run-3", 2, 1_500);
        fromB.headers().remove(Topics.REGION_HEADER);
        local.pipeInput(fromB);

        assertThat(JSON.readTree(events.readValue()).path("lagMs").asLong()).isEqualTo(500);
    }

    @Test
    void shouldReadKafkaConnectJsonWithItsSchemaAsCdcSourceWritesIt() throws Exception {
        for (String region : List.of("a", "b")) {
            byte[] value = ("{\"schema\":{\"type\":\"struct\"},\"payload\":"
                            + new String(
                                    envelope("c", null, row("run-4", 1), region.equals("a") ? 5_000 : 5_200),
                                    StandardCharsets.UTF_8)
                            + "}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] key = "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"namespace_id\":\"ns\",\"run_id\":\"run-4\"}}"
                    .getBytes(StandardCharsets.UTF_8);
            RecordHeaders headers = new RecordHeaders();
            headers.add(Topics.REGION_HEADER, region.getBytes(StandardCharsets.UTF_8));
            (region.equals("a") ? mirrored : local)
                    .pipeInput(new TestRecord<>(
                            key, value, headers, Instant.ofEpochMilli(region.equals("a") ? 5_000 : 5_200)));
        }

        assertThat(JSON.readTree(events.readValue()).path("lagMs").asLong()).isEqualTo(200);
    }

    private static TestRecord<byte[], byte[]> record(String region, String runId, int status, long commitMs) {
        ObjectNode after = row(runId, status);
        return record(region, runId, envelope("u", null, after, commitMs), commitMs);
    }

    private static TestRecord<byte[], byte[]> delete(String region, String runId, int status, long commitMs) {
        return record(region, runId, envelope("d", row(runId, status), null, commitMs), commitMs);
    }

    /** A record as cdc-source writes it: its timestamp is the capture time (here: the commit time). */
    private static TestRecord<byte[], byte[]> record(String region, String runId, byte[] value, long capturedMs) {
        ObjectNode key = JSON.createObjectNode().put("namespace_id", "ns").put("run_id", runId);
        RecordHeaders headers = new RecordHeaders();
        headers.add(Topics.REGION_HEADER, region.getBytes(StandardCharsets.UTF_8));
        return new TestRecord<>(
                key.toString().getBytes(StandardCharsets.UTF_8), value, headers, Instant.ofEpochMilli(capturedMs));
    }

    private static ObjectNode row(String runId, int status) {
        return JSON.createObjectNode()
                .put("namespace_id", "ns")
                .put("run_id", runId)
                .put("workflow_id", "wf-" + runId)
                .put("status", status);
    }

    private static byte[] envelope(String op, ObjectNode before, ObjectNode after, long commitMs) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("before", before == null ? JSON.nullNode() : before);
        envelope.set("after", after == null ? JSON.nullNode() : after);
        envelope.put("op", op);
        ObjectNode source = envelope.putObject("source");
        source.put("connector", "postgresql");
        source.put("db", "temporal");
        source.put("schema", "temporal_visibility");
        source.put("table", "executions");
        source.put("snapshot", "false");
        source.put("lsn", commitMs);
        source.put("ts_ms", commitMs);
        return envelope.toString().getBytes(StandardCharsets.UTF_8);
    }
}
