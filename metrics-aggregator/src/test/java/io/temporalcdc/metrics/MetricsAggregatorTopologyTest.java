package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

class MetricsAggregatorTopologyTest {
    private static final String PREFIX = "p";
    private static final Instant NOW = Instant.parse("2026-03-15T12:00:00Z");
    private static final Duration UPDATE_INTERVAL = Duration.ofSeconds(10);
    private static final String NS = "ns";
    private static final String TYPE = "OrderWorkflow";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AggregatorMetrics metrics = new AggregatorMetrics(registry);
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> executions;
    private TestOutputTopic<String, String> output;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private long lsn = 1_000;

    @BeforeEach
    void start(@TempDir Path stateDir) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-aggregator-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        Map<String, Object> handlers = new HashMap<>();
        StreamsErrorHandling.configure(
                handlers,
                Topics.metricsAggregatorDlq(PREFIX),
                List.of(Topics.workflowMetrics(PREFIX)),
                metrics.deadLetters(),
                metrics.productionErrors());
        props.putAll(handlers);
        MetricsAggregatorTopology.Settings settings =
                new MetricsAggregatorTopology.Settings(PREFIX, 30, UPDATE_INTERVAL, VersionEpochs.none(), metrics);
        driver = new TopologyTestDriver(
                MetricsAggregatorTopology.build(settings, new JsonChangeEventDecoder(RunRow.COLUMNS)), props, NOW);
        executions = driver.createInputTopic(
                Topics.visibilityExecutions(PREFIX),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                NOW,
                Duration.ZERO);
        output = driver.createOutputTopic(
                Topics.workflowMetrics(PREFIX), new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(
                Topics.metricsAggregatorDlq(PREFIX), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    // --- Debezium records, schemaless, as JsonConverter writes them with schemas.enable=false

    private static ObjectNode row(String runId, Instant start, Instant close, int status) {
        ObjectNode row = JSON.createObjectNode();
        row.put("namespace_id", String.format("%-64s", NS)); // CHAR(64): blank-padded
        row.put("run_id", runId);
        row.put("workflow_type_name", TYPE);
        row.put("start_time", micros(start));
        if (close == null) {
            row.putNull("close_time");
        } else {
            row.put("close_time", micros(close));
        }
        row.put("status", status);
        row.put("memo", "not read by the metrics");
        return row;
    }

    private static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    private static byte[] key(String runId) {
        ObjectNode key = JSON.createObjectNode();
        key.put("namespace_id", String.format("%-64s", NS));
        key.put("run_id", runId);
        return bytes(key);
    }

    /** An envelope at {@code position}: source.lsn, and source.sequence naming the commit before it. */
    private static byte[] envelope(String op, ObjectNode before, ObjectNode after, long position) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("before", before == null ? JSON.nullNode() : before);
        envelope.set("after", after == null ? JSON.nullNode() : after);
        envelope.put("op", op);
        envelope.put("ts_ms", NOW.toEpochMilli());
        ObjectNode source = envelope.putObject("source");
        source.put("connector", "postgresql");
        source.put("db", "temporal");
        source.put("schema", "temporal_visibility");
        source.put("table", "executions");
        source.put("snapshot", "false");
        source.put("lsn", position);
        source.put("sequence", "[\"" + (position - 1) + "\",\"" + position + "\"]");
        source.put("ts_ms", NOW.toEpochMilli());
        return bytes(envelope);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a change of a run at the next position; returns that position. */
    private long send(String op, ObjectNode before, ObjectNode after) {
        lsn += 100;
        sendAt(op, before, after, lsn);
        return lsn;
    }

    private void sendAt(String op, ObjectNode before, ObjectNode after, long position) {
        String runId = (after != null ? after : before).get("run_id").asText();
        executions.pipeInput(key(runId), envelope(op, before, after, position));
    }

    private static String outputKey(String date) {
        return NS + "/" + TYPE + "/" + date;
    }

    /** The output topic as compaction leaves it: each key's last value (null for a tombstone). */
    private Map<String, JsonNode> latest() {
        // the days changed are sent once per publish interval
        driver.advanceWallClockTime(MetricsAggregatorTopology.PUBLISH_INTERVAL);
        Map<String, JsonNode> rows = new HashMap<>();
        output.readKeyValuesToMap().forEach((key, value) -> rows.put(key, value == null ? null : parse(value)));
        return rows;
    }

    private static JsonNode parse(String value) {
        try {
            return JSON.readTree(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private double counter(String name) {
        return registry.get("metrics.aggregator." + name).counter().count();
    }

    private Gauge gauge(String name, String window, String... moreTags) {
        List<String> tags = new ArrayList<>(List.of("namespace", NS, "workflow_type", TYPE, "window", window));
        tags.addAll(List.of(moreTags));
        return registry.find("metrics.aggregator.rolling." + name)
                .tags(tags.toArray(String[]::new))
                .gauge();
    }

    private static String header(TestRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    // --- the days

    @Test
    void shouldMoveACreatedRunFromRunningToItsStatusWhenItCloses() {
        Instant start = NOW.minus(Duration.ofHours(2));
        ObjectNode running = row("r1", start, null, RunRow.RUNNING);
        send("c", null, running);

        JsonNode open = latest().get(outputKey("2026-03-15"));
        List<String> fields = new ArrayList<>();
        open.fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "namespace",
                        "workflowType",
                        "date",
                        "total",
                        "running",
                        "completed",
                        "failed",
                        "canceled",
                        "terminated",
                        "continuedAsNew",
                        "timedOut",
                        "avgDurationSeconds",
                        "medianDurationSeconds",
                        "p95DurationSeconds");
        assertThat(open.get("namespace").asText()).isEqualTo(NS);
        assertThat(open.get("workflowType").asText()).isEqualTo(TYPE);
        assertThat(open.get("date").asText()).isEqualTo("2026-03-15");
        assertThat(open.get("total").asLong()).isEqualTo(1);
        assertThat(open.get("running").asLong()).isEqualTo(1);
        assertThat(open.get("completed").asLong()).isZero();
        assertThat(open.get("avgDurationSeconds").isNull()).isTrue();
        assertThat(open.get("medianDurationSeconds").isNull()).isTrue();
        assertThat(open.get("p95DurationSeconds").isNull()).isTrue();

        send("u", running, row("r1", start, start.plusSeconds(90), 2));

        JsonNode closed = latest().get(outputKey("2026-03-15"));
        assertThat(closed.get("total").asLong()).isEqualTo(1);
        assertThat(closed.get("running").asLong()).isZero();
        assertThat(closed.get("completed").asLong()).isEqualTo(1);
        assertThat(closed.get("avgDurationSeconds").asDouble()).isEqualTo(90.0);
        assertThat(closed.get("medianDurationSeconds").asDouble()).isCloseTo(90.0, within(0.9));
        assertThat(closed.get("p95DurationSeconds").asDouble()).isCloseTo(90.0, within(0.9));
        assertThat(counter("changes")).isEqualTo(2.0);
    }

    @Test
    void shouldKnowARunByItsPrimaryKeyValuesNotByItsRecordKeyBytes() {
        Instant start = NOW.minus(Duration.ofHours(2));
        ObjectNode running = row("r1", start, null, RunRow.RUNNING);
        send("c", null, running);
        // the same run's close, on the same partition, its key now written with its schema (other bytes)
        ObjectNode keyWithSchema = JSON.createObjectNode();
        ObjectNode schema = keyWithSchema.putObject("schema");
        schema.put("type", "struct");
        schema.put("name", "p.temporal_visibility.executions.Key");
        schema.put("optional", false);
        for (String field : List.of("namespace_id", "run_id")) {
            schema.withArray("fields")
                    .addObject()
                    .put("type", "string")
                    .put("optional", false)
                    .put("field", field);
        }
        keyWithSchema.set("payload", parse(new String(key("r1"), StandardCharsets.UTF_8)));
        lsn += 100;
        executions.pipeInput(
                bytes(keyWithSchema), envelope("u", running, row("r1", start, start.plusSeconds(90), 2), lsn));

        JsonNode day = latest().get(outputKey("2026-03-15"));
        assertThat(day.get("total").asLong()).isEqualTo(1);
        assertThat(day.get("running").asLong()).isZero();
        assertThat(day.get("completed").asLong()).isEqualTo(1);
    }

    @Test
    void shouldMoveARunToTheOtherDayWhenAnUpdateMovesItsStartAcrossMidnight() {
        send("c", null, row("other", Instant.parse("2026-03-14T20:00:00Z"), null, RunRow.RUNNING));
        ObjectNode early = row("r1", Instant.parse("2026-03-15T00:30:00Z"), null, RunRow.RUNNING);
        send("c", null, early);
        assertThat(latest()).containsOnlyKeys(outputKey("2026-03-14"), outputKey("2026-03-15"));

        send("u", early, row("r1", Instant.parse("2026-03-14T23:30:00Z"), null, RunRow.RUNNING));

        Map<String, JsonNode> rows = latest();
        assertThat(rows).containsEntry(outputKey("2026-03-15"), null);
        assertThat(rows.get(outputKey("2026-03-14")).get("total").asLong()).isEqualTo(2);
        assertThat(rows.get(outputKey("2026-03-14")).get("running").asLong()).isEqualTo(2);
    }

    @Test
    void shouldRetractADeletedRun() {
        Instant start = NOW.minus(Duration.ofHours(5));
        ObjectNode first = row("r1", start, start.plusSeconds(10), 3);
        ObjectNode second = row("r2", start, start.plusSeconds(30), 2);
        send("c", null, first);
        send("c", null, second);
        assertThat(latest().get(outputKey("2026-03-15")).get("total").asLong()).isEqualTo(2);

        send("d", first, null);

        JsonNode left = latest().get(outputKey("2026-03-15"));
        assertThat(left.get("total").asLong()).isEqualTo(1);
        assertThat(left.get("failed").asLong()).isZero();
        assertThat(left.get("completed").asLong()).isEqualTo(1);
        assertThat(left.get("avgDurationSeconds").asDouble()).isEqualTo(30.0);

        send("d", second, null);

        assertThat(latest()).containsEntry(outputKey("2026-03-15"), null);
    }

    @Test
    void shouldSkipARedeliveredChangeAndAnOlderOneAfterANewerOne() {
        Instant start = NOW.minus(Duration.ofHours(1));
        ObjectNode running = row("r1", start, null, RunRow.RUNNING);
        long created = send("c", null, running);
        ObjectNode completed = row("r1", start, start.plusSeconds(60), 2);
        long closed = send("u", running, completed);
        assertThat(latest().get(outputKey("2026-03-15")).get("completed").asLong())
                .isEqualTo(1);

        sendAt("u", running, completed, closed); // redelivered after a restart
        sendAt("u", running, row("r1", start, start.plusSeconds(5), 3), (created + closed) / 2); // older

        assertThat(output.isEmpty()).isTrue();
        assertThat(counter("replayed")).isEqualTo(2.0);
        send("c", null, row("r2", start, null, RunRow.RUNNING));
        JsonNode row = latest().get(outputKey("2026-03-15"));
        assertThat(row.get("total").asLong()).isEqualTo(2);
        assertThat(row.get("running").asLong()).isEqualTo(1);
        assertThat(row.get("completed").asLong()).isEqualTo(1);
        assertThat(row.get("failed").asLong()).isZero();
        assertThat(row.get("avgDurationSeconds").asDouble()).isEqualTo(60.0);
    }

    @Test
    void shouldIgnoreARunThatStartedBeforeTheWindow() {
        send("c", null, row("inside", Instant.parse("2026-02-13T00:00:00Z"), null, RunRow.RUNNING));
        send("c", null, row("outside", Instant.parse("2026-02-12T23:59:59Z"), null, RunRow.RUNNING));

        Map<String, JsonNode> rows = latest();
        assertThat(rows).containsOnlyKeys(outputKey("2026-02-13"));
        assertThat(rows.get(outputKey("2026-02-13")).get("total").asLong()).isEqualTo(1);
        assertThat(counter("outside.window")).isEqualTo(1.0);
        assertThat(counter("changes")).isEqualTo(1.0);
    }

    @Test
    void shouldDropADayThatLeavesTheWindowOnTheNextUpdateAfterMidnight() {
        ObjectNode oldest = row("r1", Instant.parse("2026-02-13T06:00:00Z"), null, RunRow.RUNNING);
        send("c", null, oldest);
        send("c", null, row("r2", Instant.parse("2026-02-14T06:00:00Z"), null, RunRow.RUNNING));
        assertThat(latest()).containsOnlyKeys(outputKey("2026-02-13"), outputKey("2026-02-14"));

        driver.advanceWallClockTime(UPDATE_INTERVAL);
        assertThat(output.isEmpty()).isTrue();

        // 2026-03-16 12:00: the window now starts on 2026-02-14
        driver.advanceWallClockTime(Duration.ofDays(1));

        List<TestRecord<String, String>> dropped = output.readRecordsToList();
        assertThat(dropped).extracting(TestRecord::key).containsExactly(outputKey("2026-02-13"));
        assertThat(dropped.get(0).value()).isNull();
        // a late change of the dropped run counts nowhere
        send("u", oldest, row("r1", Instant.parse("2026-02-13T06:00:00Z"), NOW, 2));
        assertThat(output.isEmpty()).isTrue();
        assertThat(counter("outside.window")).isEqualTo(1.0);
    }

    // --- bad records

    @Test
    void shouldDeadLetterAnUndecodableRecordAndATruncateAndCarryOn() {
        executions.pipeInput(key("r0"), "{not json".getBytes(StandardCharsets.UTF_8));
        executions.pipeInput(key("r0"), envelope("t", null, null, 1_001));
        send("c", null, row("r1", NOW.minus(Duration.ofMinutes(5)), null, RunRow.RUNNING));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(2);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(header(dead.get(0), DeadLetters.REASON)).startsWith("undecodable: ");
        assertThat(header(dead.get(1), DeadLetters.REASON))
                .startsWith("unmappable: TRUNCATE of " + Topics.visibilityExecutions(PREFIX) + " names no run");
        assertThat(header(dead.get(1), DeadLetters.SOURCE_OFFSET)).isEqualTo("1");
        assertThat(counter("dlq.records")).isEqualTo(2.0);
        assertThat(latest().get(outputKey("2026-03-15")).get("total").asLong()).isEqualTo(1);
    }

    // --- the rolling windows

    @Test
    void shouldCountRunsInTheRollingWindowsByTheirOwnTimes() {
        send("c", null, row("recent", NOW.minus(Duration.ofMinutes(30)), null, RunRow.RUNNING));
        Instant earlier = NOW.minus(Duration.ofHours(3));
        send("c", null, row("earlier", earlier, earlier.plus(Duration.ofHours(1)), 2));
        assertThat(gauge("started", "1h")).isNull(); // not before the first update

        driver.advanceWallClockTime(UPDATE_INTERVAL);

        assertThat(gauge("started", "1h").value()).isEqualTo(1.0);
        assertThat(gauge("started", "24h").value()).isEqualTo(2.0);
        assertThat(gauge("closed", "1h", "status", "completed").value()).isZero();
        assertThat(gauge("closed", "24h", "status", "completed").value()).isEqualTo(1.0);
        assertThat(gauge("closed", "24h", "status", "failed").value()).isZero();
        assertThat(gauge("p95.duration", "1h").value()).isNaN();
        assertThat(gauge("p95.duration", "24h").value()).isCloseTo(3_600.0, within(36.0));

        driver.advanceWallClockTime(Duration.ofHours(2));

        assertThat(gauge("started", "1h").value()).isZero();
        assertThat(gauge("started", "24h").value()).isEqualTo(2.0);
        assertThat(gauge("closed", "24h", "status", "completed").value()).isEqualTo(1.0);
    }

    @Test
    void shouldTakeBackARunFromItsMinutesAndRetireTheGaugesOnceNothingIsLeft() {
        Instant start = NOW.minus(Duration.ofMinutes(20));
        ObjectNode running = row("r1", start, null, RunRow.RUNNING);
        send("c", null, running);
        ObjectNode failed = row("r1", start, NOW.minus(Duration.ofMinutes(10)), 3);
        send("u", running, failed);

        driver.advanceWallClockTime(UPDATE_INTERVAL);

        assertThat(gauge("started", "1h").value()).isEqualTo(1.0);
        assertThat(gauge("closed", "1h", "status", "failed").value()).isEqualTo(1.0);
        assertThat(gauge("p95.duration", "1h").value()).isCloseTo(600.0, within(6.0));

        driver.advanceWallClockTime(Duration.ofHours(25));

        assertThat(gauge("started", "24h")).isNull();
        assertThat(gauge("closed", "24h", "status", "failed")).isNull();
        assertThat(counter("takebacks.skipped")).isZero();
    }

    // --- found in review

    @Test
    void shouldPublishEachChangedDayOncePerIntervalNeverTheStateInBetween() {
        Instant start = NOW.minus(Duration.ofHours(1));
        ObjectNode running = row("r1", start, null, RunRow.RUNNING);
        send("c", null, running);
        output.readRecordsToList();

        send("u", running, row("r1", start, start.plusSeconds(30), 2));
        driver.advanceWallClockTime(MetricsAggregatorTopology.PUBLISH_INTERVAL);

        List<TestRecord<String, String>> published = output.readRecordsToList();
        assertThat(published).hasSize(1);
        JsonNode closed = parse(published.get(0).value());
        assertThat(closed.get("total").asLong()).isEqualTo(1);
        assertThat(closed.get("running").asLong()).isZero();
        assertThat(closed.get("completed").asLong()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAChangeWithoutAKeyAndCarryOn() {
        executions.pipeInput(
                null, envelope("c", null, row("r0", NOW.minus(Duration.ofMinutes(5)), null, RunRow.RUNNING), 1_001));
        send("c", null, row("r1", NOW.minus(Duration.ofMinutes(5)), null, RunRow.RUNNING));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetters.REASON)).contains("without a key");
        assertThat(latest().get(outputKey("2026-03-15")).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterAChangeWhosePrimaryKeyHoldsAStructureAndCarryOn() {
        ObjectNode key = JSON.createObjectNode();
        key.putObject("namespace_id").put("nested", NS);
        key.put("run_id", "r0");
        executions.pipeInput(
                bytes(key),
                envelope("c", null, row("r0", NOW.minus(Duration.ofMinutes(5)), null, RunRow.RUNNING), 1_001));
        send("c", null, row("r1", NOW.minus(Duration.ofMinutes(5)), null, RunRow.RUNNING));

        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertThat(dead).hasSize(1);
        assertThat(header(dead.get(0), DeadLetters.REASON)).contains("primary key holds a structure");
        assertThat(latest().get(outputKey("2026-03-15")).get("total").asLong()).isEqualTo(1);
    }

    @Test
    void shouldCountARunStartedBeforeTheWindowInTheRollingClosesWhenItClosesNow() {
        Instant longAgo = NOW.minus(Duration.ofDays(40));
        ObjectNode running = row("old", longAgo, null, RunRow.RUNNING);
        send("c", null, running);
        send("u", running, row("old", longAgo, NOW.minus(Duration.ofMinutes(10)), 2));

        driver.advanceWallClockTime(UPDATE_INTERVAL);

        assertThat(gauge("closed", "1h", "status", "completed").value()).isEqualTo(1.0);
        assertThat(gauge("started", "24h").value()).isZero();
        assertThat(latest()).as("its day is outside the window").isEmpty();
    }
}
