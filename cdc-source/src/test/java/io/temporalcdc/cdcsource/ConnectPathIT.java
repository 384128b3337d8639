package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.DetectingChangeEventDecoder;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.ConnectWorker;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kafka Connect path, run for real: a distributed worker with cdc-source's plugin directory (Debezium's connector
 * and temporal-cdc's Avro converter), the shipped connector configuration POSTed to it. It writes what the embedded
 * engine writes from the same rows, in JSON and in Avro; and a deployment switched from the embedded engine to
 * Connect and back loses no change.
 */
class ConnectPathIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration ARRIVAL = Duration.ofSeconds(90);
    private static ConnectWorker worker;

    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void startWorker() {
        worker = ConnectWorker.start(
                io.temporalcdc.testsupport.LocalStack.shared().kafka().bootstrapServers(),
                ConnectWorker.cdcSourcePluginPath(),
                Path.of("target", "own-servers"));
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @org.junit.jupiter.api.AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
    }

    /** The shipped connector configuration, pointed at this test's database, prefix, slot and format. */
    private static ObjectNode connector(CdcFixture fixture, String name, String prefix, String slot, String format)
            throws Exception {
        ObjectNode shipped =
                (ObjectNode) JSON.readTree(Files.readString(Path.of("connect", "temporal-postgres-connector.json")));
        shipped.put("name", name);
        ObjectNode config = (ObjectNode) shipped.get("config");
        config.put("database.hostname", fixture.stack.postgres().host());
        config.put("database.port", Integer.toString(fixture.stack.postgres().port()));
        config.put("database.user", fixture.stack.postgres().user());
        config.put("database.password", "");
        config.put("database.dbname", fixture.database);
        config.put("topic.prefix", prefix);
        config.put("slot.name", slot);
        config.put("publication.name", fixture.publication);
        if (format.equals("avro")) {
            config.put(
                    "key.converter.schema.registry.url",
                    fixture.stack.schemaRegistry().url());
            config.put(
                    "value.converter.schema.registry.url",
                    fixture.stack.schemaRegistry().url());
        } else {
            config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.remove("key.converter.schema.registry.url");
            config.remove("value.converter.schema.registry.url");
        }
        return shipped;
    }

    private AutoCloseable post(ObjectNode connector) throws Exception {
        String name = connector.get("name").asText();
        HttpResponse<String> created = worker.send("POST", "/connectors", connector.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = JSON.readTree(
                    worker.send("GET", "/connectors/" + name + "/status", null).body());
            assertThat(status.path("connector").path("state").asText()).isEqualTo("RUNNING");
            assertThat(status.path("tasks").path(0).path("state").asText())
                    .as(status.toString())
                    .isEqualTo("RUNNING");
        });
        return () -> {
            HttpResponse<String> deleted = worker.send("DELETE", "/connectors/" + name, null);
            assertThat(deleted.statusCode()).as(deleted.body()).isIn(204, 404);
        };
    }

    @ParameterizedTest
    @ValueSource(strings = {"json", "avro"})
    void shouldWriteWhatTheEmbeddedSourceWritesFromTheSameRows(String format) throws Exception {
        CdcFixture fixture = new CdcFixture("connect-" + format);
        open.add(fixture);
        Map<String, String> settings = fixture.settings();
        settings.put("format", format);
        settings.put("schema.registry.url", fixture.stack.schemaRegistry().url());
        open.add(fixture.startApp(new EmbeddedAppContext("cdc-source"), settings));
        String connectPrefix = fixture.topicPrefix + "-connect";
        String connectSlot = fixture.slot + "_connect";
        open.add(() -> dropSlot(fixture, connectSlot));
        open.add(post(connector(fixture, fixture.topicPrefix, connectPrefix, connectSlot, format)));

        List<String> tables = new ArrayList<>();
        try (Connection c = fixture.connect()) {
            for (String table : CdcSourceAvroIT.capturedTables(c)) {
                RowsOfAnyTable.insertUpdateDelete(c, table);
                tables.add(table);
            }
        }
        SchemaRegistryClient registry =
                SchemaRegistryClient.of(fixture.stack.schemaRegistry().url(), null);
        DetectingChangeEventDecoder decoder = new DetectingChangeEventDecoder(null, registry);
        TopicReader embedded = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        TopicReader connect = new TopicReader(fixture.stack.kafka().bootstrapServers(), connectPrefix);
        open.add(embedded);
        open.add(connect);
        for (String table : tables) {
            String[] parts = table.split("\\.");
            String embeddedTopic = Topics.table(fixture.topicPrefix, parts[0], parts[1]);
            String connectTopic = Topics.table(connectPrefix, parts[0], parts[1]);
            // insert, update, delete, tombstone of this test's row, and whatever both snapshots read: equal sets
            await().atMost(ARRIVAL).untilAsserted(() -> {
                List<Map<String, Object>> fromEmbedded = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : embedded.poll(embeddedTopic)) {
                    fromEmbedded.add(comparable(decoder.decode(embeddedTopic, r.key(), r.value())));
                }
                List<Map<String, Object>> fromConnect = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> r : connect.poll(connectTopic)) {
                    if (format.equals("avro")) {
                        assertThat(r.key()[0]).as("Confluent wire format").isZero();
                    }
                    fromConnect.add(comparable(decoder.decode(connectTopic, r.key(), r.value())));
                }
                assertThat(fromEmbedded).as(embeddedTopic).hasSizeGreaterThanOrEqualTo(4);
                assertThat(fromConnect).as(table).containsExactlyInAnyOrderElementsOf(fromEmbedded);
            });
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"avro"})
    void shouldLoseNoChangeWhenSwitchedFromTheEmbeddedEngineToConnectAndBack(String format) throws Exception {
        CdcFixture fixture = new CdcFixture("switch");
        open.add(fixture);
        Map<String, String> settings = fixture.settings();
        settings.put("format", format);
        settings.put("schema.registry.url", fixture.stack.schemaRegistry().url());
        Set<String> committed = new ConcurrentSkipListSet<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread writer = Thread.ofPlatform().start(() -> {
            for (int n = 0; writing.get(); n++) {
                try {
                    fixture.execute(Rows.insertVisibility("ns-switch", "run-" + n, "wf-" + n, 1));
                    committed.add("run-" + n);
                    Thread.sleep(25);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        });
        try {
            AutoCloseable first = fixture.startApp(new EmbeddedAppContext("cdc-source"), settings);
            await().atMost(Duration.ofSeconds(20)).until(() -> committed.size() > 40);
            first.close();

            // to Connect: the same slot, prefix and format; the slot's position, not a new snapshot
            ObjectNode connector = connector(fixture, fixture.topicPrefix, fixture.topicPrefix, fixture.slot, format);
            ((ObjectNode) connector.get("config")).put("snapshot.mode", "no_data");
            AutoCloseable viaConnect = post(connector);
            int atConnect = committed.size();
            await().atMost(Duration.ofSeconds(20)).until(() -> committed.size() > atConnect + 40);
            viaConnect.close();

            // and back
            int atReturn = committed.size();
            AutoCloseable again = fixture.startApp(new EmbeddedAppContext("cdc-source-again"), settings);
            open.add(again);
            await().atMost(Duration.ofSeconds(20)).until(() -> committed.size() > atReturn + 40);
        } finally {
            writing.set(false);
            writer.join();
        }
        DetectingChangeEventDecoder decoder = new DetectingChangeEventDecoder(
                null, SchemaRegistryClient.of(fixture.stack.schemaRegistry().url(), null));
        String topic = fixture.topic("temporal_visibility", "executions");
        try (TopicReader reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix)) {
            await().atMost(ARRIVAL).untilAsserted(() -> {
                Set<String> arrived = new TreeSet<>();
                for (ConsumerRecord<byte[], byte[]> r : reader.poll(topic)) {
                    arrived.add(decoder.decode(topic, r.key(), r.value())
                            .key()
                            .path("run_id")
                            .asText()
                            .trim());
                }
                assertThat(arrived).containsAll(new TreeSet<>(committed));
            });
        }
    }

    private static void dropSlot(CdcFixture fixture, String slot) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = fixture.stack.postgres().connect();
                    java.sql.PreparedStatement ps = c.prepareStatement(
                            "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                ps.setString(1, slot);
                ps.execute();
                return true;
            }
        });
    }

    /** What must be equal whatever wrote it (the source's name is the topic prefix, which differs). */
    private static Map<String, Object> comparable(ChangeEvent event) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("op", event.op());
        fields.put("key", event.key());
        fields.put("before", event.before());
        fields.put("after", event.after());
        fields.put("columnTypes", new java.util.TreeMap<>(event.columnTypes()));
        if (event.source() != null) {
            fields.put("table", event.source().schema() + "." + event.source().table());
            fields.put("snapshot", event.source().snapshot());
            if (event.op() != ChangeEvent.Op.READ) {
                // a snapshot's position is its slot's; a streamed change's is the WAL's, the same for both
                fields.put("lsn", event.source().lsn());
                fields.put("txId", event.source().txId());
            }
        }
        return fields;
    }
}
