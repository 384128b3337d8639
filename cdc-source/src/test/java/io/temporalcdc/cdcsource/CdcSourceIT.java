package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The app in-process against the shared stack: what arrives in Kafka, and in which form. */
class CdcSourceIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(30);
    private static final String VISIBILITY = "temporal_visibility";

    private CdcFixture fixture;
    private TopicReader reader;
    private AutoCloseable app;

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        if (reader != null) {
            reader.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    private void start(String testName) throws Exception {
        fixture = new CdcFixture(testName);
        app = fixture.startApp(new EmbeddedAppContext("cdc-source"));
        reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
    }

    @Test
    void shouldPublishInsertUpdateDeleteAndTombstoneOfVisibilityRowsKeyedByPrimaryKey() throws Exception {
        start("crud");
        fixture.execute(Rows.insertVisibility("ns-1", "run-1", "wf-1", 1));
        fixture.execute("UPDATE temporal_visibility.executions SET status = 2, close_time = '2024-01-01 00:00:05',"
                + " history_length = 42 WHERE run_id = 'run-1'");
        fixture.execute("DELETE FROM temporal_visibility.executions WHERE run_id = 'run-1'");

        final String topic = fixture.topic(VISIBILITY, "executions");
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(topic)).hasSize(4));
        final List<ConsumerRecord<byte[], byte[]>> records = reader.poll(topic);

        assertThat(records).extracting(r -> op(r.value())).containsExactly("c", "u", "d", null);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            final JsonNode key = TopicReader.json(record.key());
            assertThat(key.path("schema").path("name").asText()).isEqualTo(topic + ".Key");
            assertThat(key.path("payload").path("namespace_id").asText())
                    .startsWith("ns-1")
                    .hasSize(64);
            assertThat(key.path("payload").path("run_id").asText())
                    .startsWith("run-1")
                    .hasSize(64);
            assertThat(fieldNames(key.path("payload"))).containsExactlyInAnyOrder("namespace_id", "run_id");
        }
        final JsonNode update = TopicReader.json(records.get(1).value());
        assertThat(update.path("schema").path("name").asText()).isEqualTo(topic + ".Envelope");
        assertThat(update.path("payload").path("before").path("status").asInt()).isEqualTo(1);
        assertThat(update.path("payload").path("after").path("status").asInt()).isEqualTo(2);
        assertThat(update.path("payload").path("after").path("history_length").asLong())
                .isEqualTo(42);
        assertThat(update.path("payload").path("source").path("table").asText()).isEqualTo("executions");
        final JsonChangeEventDecoder decoder = new JsonChangeEventDecoder();
        assertThat(records)
                .extracting(r -> decoder.decode(topic, r.key(), r.value()).op())
                .containsExactly(
                        ChangeEvent.Op.CREATE, ChangeEvent.Op.UPDATE, ChangeEvent.Op.DELETE, ChangeEvent.Op.TOMBSTONE);
        final JsonNode delete = TopicReader.json(records.get(2).value());
        assertThat(delete.path("payload").path("before").path("workflow_id").asText())
                .isEqualTo("wf-1");
        assertThat(delete.path("payload").path("after").isNull()).isTrue();
    }

    @Test
    void shouldWriteWhatTheSharedDecoderReadsBackWithAndWithoutEmbeddedSchema() throws Exception {
        fixture = new CdcFixture("decoder");
        final java.util.Map<String, String> settings = fixture.settings();
        settings.put("debezium.key.converter.schemas.enable", "false");
        settings.put("debezium.value.converter.schemas.enable", "false");
        app = fixture.startApp(new EmbeddedAppContext("cdc-source"), settings);
        reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        fixture.execute(Rows.insertVisibility("ns-1", "run-1", "wf-1", 1));
        fixture.execute("DELETE FROM temporal_visibility.executions WHERE run_id = 'run-1'");

        final String topic = fixture.topic(VISIBILITY, "executions");
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(topic)).hasSize(3));
        final List<ConsumerRecord<byte[], byte[]>> records = reader.poll(topic);
        assertThat(TopicReader.json(records.get(0).value()).has("schema")).isFalse();

        final JsonChangeEventDecoder decoder = new JsonChangeEventDecoder();
        final List<ChangeEvent> events = records.stream()
                .map(r -> decoder.decode(topic, r.key(), r.value()))
                .toList();
        assertThat(events)
                .extracting(ChangeEvent::op)
                .containsExactly(ChangeEvent.Op.CREATE, ChangeEvent.Op.DELETE, ChangeEvent.Op.TOMBSTONE);
        assertThat(events.get(0).row().path("workflow_id").asText()).isEqualTo("wf-1");
        assertThat(events.get(0).source().schema()).isEqualTo(VISIBILITY);
        assertThat(events.get(0).source().table()).isEqualTo("executions");
        assertThat(events.get(0).source().lsn()).isPositive();
        assertThat(events.get(1).row().path("run_id").asText()).startsWith("run-1");
        assertThat(events.get(2).key().path("run_id").asText()).startsWith("run-1");
    }

    @Test
    void shouldCreateACompactedTopicWithSixPartitionsForEveryCapturedTableBeforeTheFirstChange() throws Exception {
        start("topics");
        final List<String> topics = List.of(
                fixture.topic(VISIBILITY, "executions"),
                fixture.topic(VISIBILITY, "custom_search_attributes"),
                fixture.topic("temporal", "executions"),
                fixture.topic("temporal", "tasks"));
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", fixture.stack.kafka().bootstrapServers()))) {
            final var descriptions =
                    admin.describeTopics(topics).allTopicNames().get();
            assertThat(descriptions.values())
                    .allSatisfy(d -> assertThat(d.partitions()).hasSize(6));
            final var configs = admin.describeConfigs(topics.stream()
                            .map(t -> new org.apache.kafka.common.config.ConfigResource(
                                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, t))
                            .toList())
                    .all()
                    .get();
            assertThat(configs.values())
                    .allSatisfy(c -> assertThat(c.get("cleanup.policy").value()).isEqualTo("compact"));
        }
    }

    @Test
    void shouldPublishChangesOfTemporalTablesToTheirOwnTopic() throws Exception {
        start("temporal-table");
        fixture.execute("INSERT INTO temporal.current_executions (shard_id, namespace_id, workflow_id, run_id,"
                + " create_request_id, state, status, start_version, last_write_version)"
                + " VALUES (7, 'ns-1', 'wf-1', 'run-1', 'req-1', 1, 1, 0, 0)");

        final String topic = fixture.topic("temporal", "current_executions");
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(topic)).hasSize(1));
        final ConsumerRecord<byte[], byte[]> record = reader.poll(topic).get(0);

        final JsonNode key = TopicReader.json(record.key()).path("payload");
        assertThat(fieldNames(key)).containsExactlyInAnyOrder("shard_id", "namespace_id", "workflow_id");
        assertThat(key.path("shard_id").asInt()).isEqualTo(7);
        assertThat(TopicReader.json(record.value())
                        .path("payload")
                        .path("after")
                        .path("create_request_id")
                        .asText())
                .isEqualTo("req-1");
    }

    @Test
    void shouldKeepLargeMemoAndSearchAttributesWhenAnotherColumnIsUpdated() throws Exception {
        start("large-memo");
        final byte[] memo = new byte[12_000];
        new Random(42).nextBytes(memo);
        final String attributes = "{\"CustomKeywordField\":\"" + "k".repeat(9_000) + "\",\"CustomIntField\":7}";
        try (Connection c = fixture.connect();
                PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time, workflow_id,"
                                + " workflow_type_name, status, memo, encoding, search_attributes)"
                                + " VALUES ('ns-1', 'run-big', now(), now(), 'wf-big', 'type', 1, ?, 'proto3', ?::jsonb)")) {
            ps.setBytes(1, memo);
            ps.setString(2, attributes);
            ps.executeUpdate();
        }
        fixture.execute("UPDATE temporal_visibility.executions SET history_length = 10 WHERE run_id = 'run-big'");

        final String topic = fixture.topic(VISIBILITY, "executions");
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(topic)).hasSize(2));
        final JsonNode after = TopicReader.json(reader.poll(topic).get(1).value())
                .path("payload")
                .path("after");

        assertThat(op(reader.poll(topic).get(1).value())).isEqualTo("u");
        assertThat(after.path("history_length").asLong()).isEqualTo(10);
        assertThat(Base64.getDecoder().decode(after.path("memo").asText())).isEqualTo(memo);
        assertThat(TopicReader.json(after.path("search_attributes").asText().getBytes()))
                .isEqualTo(TopicReader.json(attributes.getBytes()));
    }

    @Test
    void shouldPublishRowsOfAPartitionedTableUnderItsRootTable() throws Exception {
        fixture = new CdcFixture("partitioned");
        fixture.execute(Rows.insertPartitioned("run-before"));
        app = fixture.startApp(new EmbeddedAppContext("cdc-source"));
        reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        fixture.execute(Rows.insertPartitioned("run-after"));

        final String root = fixture.topic(VISIBILITY, "executions_template");
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(root))
                        .extracting(r -> op(r.value()))
                        .containsExactly("r", "c"));
        // a partition topic would have been created (auto-create on send) before the root's "c" was acknowledged
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", fixture.stack.kafka().bootstrapServers()))) {
            assertThat(admin.listTopics().names().get())
                    .contains(root)
                    .doesNotContain(
                            fixture.topic(VISIBILITY, "executions_2024_01"),
                            fixture.topic(VISIBILITY, "executions_2024_02"));
        }
    }

    static String op(byte[] value) {
        return value == null
                ? null
                : TopicReader.json(value).path("payload").path("op").asText();
    }

    static List<String> fieldNames(JsonNode node) {
        return java.util.stream.StreamSupport.stream(
                        java.util.Spliterators.spliteratorUnknownSize(node.fieldNames(), 0), false)
                .collect(Collectors.toList());
    }
}
