package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.schemas.TaskQueueIds;
import io.temporalcdc.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CacheInvalidatorTopologyTest {
    private static final String PREFIX = "p";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final InvalidatorMetrics metrics = new InvalidatorMetrics(registry);
    private TopologyTestDriver driver;
    private TestOutputTopic<String, byte[]> invalidations;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "invalidator-test");
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
                        new CacheInvalidatorTopology.Settings(PREFIX, metrics),
                        new JsonChangeEventDecoder(InvalidationRules.COLUMNS)),
                props);
        invalidations = driver.createOutputTopic(
                Topics.cacheInvalidations(PREFIX), new StringDeserializer(), new ByteArrayDeserializer());
        deadLetters = driver.createOutputTopic(
                Topics.cacheInvalidatorDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private TestInputTopic<byte[], byte[]> table(String schema, String table) {
        return driver.createInputTopic(
                Topics.table(PREFIX, schema, table), new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static String header(Headers headers, String name) {
        return new String(headers.lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldTurnAChangeOfEachTableIntoAnInvalidationOfItsKey() {
        for (String workflowTable : InvalidationRules.WORKFLOW_TABLES) {
            table("temporal", workflowTable)
                    .pipeInput(
                            Changes.key("{}"),
                            Changes.create(Changes.workflowRow("ns", "wf-" + workflowTable, Map.of()), 1_000));
        }
        table("temporal_visibility", "executions")
                .pipeInput(Changes.key("{}"), Changes.create(Changes.workflowRow("ns", "wf-vis", Map.of()), 1_000));
        table("temporal", "tasks")
                .pipeInput(
                        Changes.key("{}"),
                        Changes.delete(Changes.taskRow("ns", "orders", TaskQueueIds.WORKFLOW, 9), 2_000));

        List<TestRecord<String, byte[]>> out = invalidations.readRecordsToList();

        assertThat(out)
                .extracting(TestRecord::key)
                .containsExactly(
                        "wf_meta:ns:wf-executions",
                        "wf_meta:ns:wf-current_executions",
                        "wf_meta:ns:wf-activity_info_maps",
                        "wf_meta:ns:wf-timer_info_maps",
                        "wf_meta:ns:wf-vis",
                        "tq_info:ns:orders:1");
        TestRecord<String, byte[]> task = out.get(out.size() - 1);
        assertThat(header(task.headers(), InvalidationRecord.SOURCE_TS_MS)).isEqualTo("2000");
        assertThat(new String(task.value(), StandardCharsets.UTF_8)).isEqualTo("p.temporal.tasks");
        assertThat(registry.get("cache.invalidator.changes").counter().count()).isEqualTo(6.0);
    }

    @Test
    void shouldDeadLetterAPoisonChangeWithItsReasonAndCarryOn() {
        TestInputTopic<byte[], byte[]> executions = table("temporal", "executions");
        executions.pipeInput(Changes.key("{}"), Changes.create(Changes.workflowRow("ns", "before", Map.of()), 1));
        executions.pipeInput(Changes.key("{}"), "{not json".getBytes(StandardCharsets.UTF_8));
        executions.pipeInput(
                Changes.key("{}"),
                Changes.create(Changes.workflowRow("ns", "x", Map.of()).putNull("workflow_id"), 1));
        executions.pipeInput(Changes.key("{}"), Changes.create(Changes.workflowRow("ns", "after", Map.of()), 1));

        assertThat(invalidations.readRecordsToList())
                .extracting(TestRecord::key)
                .containsExactly("wf_meta:ns:before", "wf_meta:ns:after");
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(header(dead.get(0).headers(), DeadLetters.REASON)).startsWith("undecodable: ");
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(dead.get(1).headers(), DeadLetters.REASON))
                .isEqualTo("unmappable: workflow_id is missing or NULL");
        assertThat(header(dead.get(1).headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("2");
        assertThat(registry.get("cache.invalidator.dlq.records").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldSkipTombstonesAndDeadLetterATruncateSayingWhatToFlush() {
        TestInputTopic<byte[], byte[]> tasks = table("temporal", "tasks");
        tasks.pipeInput(new TestRecord<>(Changes.key("{}"), (byte[]) null));
        tasks.pipeInput(Changes.key("{}"), Changes.truncate(5));

        assertThat(invalidations.isEmpty()).isTrue();
        assertThat(header(deadLetters.readRecord().headers(), DeadLetters.REASON))
                .isEqualTo("unmappable: TRUNCATE of p.temporal.tasks names no key: flush the tq_info:* keys by hand"
                        + " (see the cache-invalidator README)");
        assertThat(registry.get("cache.invalidator.tombstones").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldReadExactlyTheSixTablesAndKeepNoState() {
        TopologyDescription description = CacheInvalidatorTopology.build(
                        new CacheInvalidatorTopology.Settings(PREFIX, metrics),
                        new JsonChangeEventDecoder(InvalidationRules.COLUMNS))
                .describe();

        Set<String> sources = description.subtopologies().stream()
                .flatMap(sub -> sub.nodes().stream())
                .filter(node -> node instanceof TopologyDescription.Source)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream())
                .collect(Collectors.toSet());
        assertThat(sources)
                .containsExactlyInAnyOrderElementsOf(
                        InvalidationRules.topics(PREFIX).keySet());
        assertThat(description.subtopologies()).hasSize(1);
        assertThat(description.subtopologies().iterator().next().nodes())
                .noneMatch(node -> node instanceof TopologyDescription.Processor processor
                        && !processor.stores().isEmpty());
    }
}
