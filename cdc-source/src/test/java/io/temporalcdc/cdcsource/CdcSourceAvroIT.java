package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.cdcsource.avro.AvroConverter;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.DetectingChangeEventDecoder;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * cdc-source with {@code format=avro} over the stack's real schema registry (Apicurio, Confluent API, BACKWARD):
 * every captured table round-trips, Avro decodes to exactly what JSON decodes to, a new nullable column is a new
 * compatible version, and a column whose type changes is refused with the subject named, nothing marked past it.
 */
class CdcSourceAvroIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(45);

    private CdcFixture fixture;
    private final List<AutoCloseable> open = new ArrayList<>();
    private final List<String> extraSlots = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : open.reversed()) {
            closeable.close();
        }
        if (fixture != null) {
            try (Connection c = fixture.stack.postgres().connect()) {
                for (String slot : extraSlots) {
                    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                        try (PreparedStatement ps = c.prepareStatement(
                                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                            ps.setString(1, slot);
                            ps.execute();
                        }
                        return true;
                    });
                }
            }
            fixture.close();
        }
    }

    private SchemaRegistryClient registry() {
        return SchemaRegistryClient.of(fixture.stack.schemaRegistry().url(), null);
    }

    /** The fixture's settings for an Avro instance under its own prefix and slot. */
    private Map<String, String> avroSettings(String suffix) {
        final Map<String, String> settings = fixture.settings();
        settings.put("format", "avro");
        settings.put("schema.registry.url", fixture.stack.schemaRegistry().url());
        settings.put("topic.prefix", fixture.topicPrefix + "-" + suffix);
        settings.put("slot.name", fixture.slot + "_" + suffix);
        extraSlots.add(fixture.slot + "_" + suffix);
        return settings;
    }

    @Test
    void shouldWriteEveryCapturedTableAsConfluentAvroThatDecodesExactlyAsTheJsonOfTheSameChanges() throws Exception {
        fixture = new CdcFixture("avro-all");
        final EmbeddedAppContext jsonCtx = new EmbeddedAppContext("cdc-source-json");
        open.add(fixture.startApp(jsonCtx));
        final Map<String, String> avro = avroSettings("avro");
        final EmbeddedAppContext avroCtx = new EmbeddedAppContext("cdc-source-avro");
        open.add(fixture.startApp(avroCtx, avro));

        final Map<String, Integer> written = new TreeMap<>();
        try (Connection c = fixture.connect()) {
            for (String table : capturedTables(c)) {
                written.put(table, RowsOfAnyTable.insertUpdateDelete(c, table));
            }
        }
        assertThat(written).as("captured tables written").hasSizeGreaterThanOrEqualTo(8);

        final TopicReader jsonReader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        final TopicReader avroReader =
                new TopicReader(fixture.stack.kafka().bootstrapServers(), avro.get("topic.prefix"));
        open.add(jsonReader);
        open.add(avroReader);
        final SchemaRegistryClient registry = registry();
        final DetectingChangeEventDecoder decoder = new DetectingChangeEventDecoder(null, registry);
        for (Map.Entry<String, Integer> table : written.entrySet()) {
            final String[] parts = table.getKey().split("\\.");
            final String jsonTopic = fixture.topic(parts[0], parts[1]);
            final String avroTopic = io.temporalcdc.schemas.Topics.table(avro.get("topic.prefix"), parts[0], parts[1]);
            // insert, update, delete and the delete's tombstone
            final int expected = 4 * table.getValue();
            await().atMost(ARRIVAL).untilAsserted(() -> {
                assertThat(jsonReader.poll(jsonTopic)).as(jsonTopic).hasSize(expected);
                assertThat(avroReader.poll(avroTopic)).as(avroTopic).hasSize(expected);
            });
            final List<ConsumerRecord<byte[], byte[]>> jsonRecords = jsonReader.poll(jsonTopic);
            final List<ConsumerRecord<byte[], byte[]>> avroRecords = avroReader.poll(avroTopic);
            final int keyId = registry.version(AvroConverter.subject(avroTopic, true), "latest")
                    .id();
            final int valueId = registry.version(AvroConverter.subject(avroTopic, false), "latest")
                    .id();
            for (int i = 0; i < expected; i++) {
                final ConsumerRecord<byte[], byte[]> a = avroRecords.get(i);
                assertThat(a.key()[0]).as("magic byte").isZero();
                assertThat(ByteBuffer.wrap(a.key(), 1, 4).getInt())
                        .as("key schema id")
                        .isEqualTo(keyId);
                if (a.value() != null) {
                    assertThat(a.value()[0]).as("magic byte").isZero();
                    assertThat(ByteBuffer.wrap(a.value(), 1, 4).getInt())
                            .as("value schema id")
                            .isEqualTo(valueId);
                    // what any Avro reader (Confluent's deserializer too) does: the writer's schema by id, then read
                    final Schema schema = new Schema.Parser().parse(registry.schemaById(valueId));
                    final GenericRecord record = (GenericRecord) new GenericDatumReader<>(schema)
                            .read(null, DecoderFactory.get().binaryDecoder(a.value(), 5, a.value().length - 5, null));
                    assertThat(record.get("op").toString()).isIn("c", "u", "d");
                }
                final ChangeEvent fromJson = decoder.decode(
                        jsonTopic, jsonRecords.get(i).key(), jsonRecords.get(i).value());
                final ChangeEvent fromAvro = decoder.decode(avroTopic, a.key(), a.value());
                assertThat(comparable(fromAvro))
                        .as(table.getKey() + " record " + i)
                        .isEqualTo(comparable(fromJson));
            }
        }
        assertThat(jsonCtx.failure()).isNull();
        assertThat(avroCtx.failure()).isNull();
    }

    @Test
    void shouldRegisterACompatibleVersionForANewColumnAndRefuseATypeChangeNamingTheSubject() throws Exception {
        fixture = new CdcFixture("avro-evolve");
        final Map<String, String> avro = avroSettings("evolve");
        final EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source-avro");
        open.add(fixture.startApp(ctx, avro));
        final String topic =
                io.temporalcdc.schemas.Topics.table(avro.get("topic.prefix"), "temporal_visibility", "executions");
        final String subject = AvroConverter.subject(topic, false);
        final TopicReader reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), avro.get("topic.prefix"));
        open.add(reader);
        final SchemaRegistryClient registry = registry();
        final DetectingChangeEventDecoder decoder = new DetectingChangeEventDecoder(null, registry);

        fixture.execute(Rows.insertVisibility("ns-1", "run-1", "wf-1", 1));
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(topic)).hasSize(1));
        assertThat(registry.versions(subject)).hasSize(1);

        // the seed's own migration, while rows keep changing
        fixture.execute("SELECT temporal.migrate_add_search_attribute()");
        fixture.execute(Rows.insertVisibility("ns-1", "run-2", "wf-2", 1));
        fixture.execute("UPDATE temporal_visibility.executions SET customer_id = 'cust-7' WHERE run_id = 'run-2'");
        await().atMost(ARRIVAL)
                .untilAsserted(() -> assertThat(reader.poll(topic)).hasSize(3));
        assertThat(registry.versions(subject))
                .as("a second, compatible version")
                .hasSize(2);
        // by content: the rows' records may sit on different partitions, read in any order
        final List<com.fasterxml.jackson.databind.JsonNode> rows = reader.poll(topic).stream()
                .map(r -> decoder.decode(topic, r.key(), r.value()).after())
                .toList();
        assertThat(rows)
                .as("run-1, written before the migration: no customer_id field")
                .anyMatch(row -> row.path("run_id").asText().startsWith("run-1") && !row.has("customer_id"));
        assertThat(rows)
                .as("run-2's update after it: the new field")
                .anyMatch(row -> row.path("run_id").asText().startsWith("run-2")
                        && row.path("customer_id").asText().equals("cust-7"));

        // a column whose type changes: the registry refuses, cdc-source stops before the change and says why
        fixture.execute("ALTER TABLE temporal_visibility.executions ALTER COLUMN history_length TYPE text");
        fixture.execute("UPDATE temporal_visibility.executions SET history_length = 'many' WHERE run_id = 'run-1'");
        await().atMost(ARRIVAL).untilAsserted(() -> assertThat(ctx.failure()).isNotNull());
        assertThat(ctx.failure()).contains(subject).contains("incompatible");
        assertThat(registry.versions(subject)).as("nothing registered").hasSize(2);
        assertThat(reader.poll(topic))
                .as("nothing written past the refused change")
                .hasSize(3);

        // nothing was marked processed past it: with the subject's check relaxed, a new instance writes the change
        open.removeLast().close();
        reader.close();
        open.remove(reader);
        // (Apicurio applies its global level to a subject set to NONE: relax the registry for the moment)
        registry.setGlobalCompatibility("NONE");
        try {
            final EmbeddedAppContext again = new EmbeddedAppContext("cdc-source-avro-again");
            open.add(fixture.startApp(again, avro));
            final TopicReader after =
                    new TopicReader(fixture.stack.kafka().bootstrapServers(), avro.get("topic.prefix"));
            open.add(after);
            await().atMost(ARRIVAL).untilAsserted(() -> {
                final List<ConsumerRecord<byte[], byte[]>> records = after.poll(topic);
                assertThat(records).hasSizeGreaterThanOrEqualTo(4);
                // the refused update of run-1, written now (records of other rows may sit on other partitions)
                assertThat(records.stream()
                                .filter(r -> r.value() != null)
                                .map(r -> decoder.decode(topic, r.key(), r.value())
                                        .after())
                                .filter(row -> row != null
                                        && row.path("run_id").asText().startsWith("run-1"))
                                .map(row -> row.path("history_length").asText()))
                        .contains("many");
            });
        } finally {
            registry.setGlobalCompatibility("BACKWARD");
        }
    }

    /** What must be equal whatever the format (the source's name is the topic prefix, which differs). */
    private static Map<String, Object> comparable(ChangeEvent event) {
        final Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("op", event.op());
        fields.put("key", event.key());
        fields.put("before", event.before());
        fields.put("after", event.after());
        fields.put("columnTypes", new HashMap<>(event.columnTypes()));
        if (event.source() != null) {
            fields.put("table", event.source().schema() + "." + event.source().table());
            fields.put("lsn", event.source().lsn());
            fields.put("txId", event.source().txId());
            fields.put("tsMs", event.source().tsMs());
        }
        return fields;
    }

    /** Every table Debezium captures here: base and partitioned tables of the two schemas, not partitions. */
    static List<String> capturedTables(Connection c) throws Exception {
        final List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT n.nspname || '.' || t.relname FROM pg_class t"
                        + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " WHERE n.nspname IN ('temporal', 'temporal_visibility') AND t.relkind IN ('r', 'p')"
                        + " AND NOT t.relispartition ORDER BY 1");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }
}
