package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ConnectRecordSerializerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TOPIC = "temporal.temporal_visibility.executions";

    static final Schema KEY_SCHEMA = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Key")
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("run_id", Schema.STRING_SCHEMA)
            .build();
    static final Schema ROW_SCHEMA = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Value")
            .optional()
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("status", Schema.INT32_SCHEMA)
            .build();
    static final Schema SOURCE_SCHEMA = SchemaBuilder.struct()
            .name("io.debezium.connector.postgresql.Source")
            .field("ts_ms", Schema.INT64_SCHEMA)
            .build();
    static final Schema ENVELOPE_SCHEMA = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Envelope")
            .field("before", ROW_SCHEMA)
            .field("after", ROW_SCHEMA)
            .field("source", SOURCE_SCHEMA)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    static Struct key() {
        return new Struct(KEY_SCHEMA).put("namespace_id", "ns").put("run_id", "r1");
    }

    static SourceRecord change(String op, long commitMs) {
        final Struct after = new Struct(ROW_SCHEMA).put("namespace_id", "ns").put("status", 2);
        final Struct value = new Struct(ENVELOPE_SCHEMA)
                .put("after", after)
                .put("op", op)
                .put("source", new Struct(SOURCE_SCHEMA).put("ts_ms", commitMs));
        return new SourceRecord(
                Map.of("server", "temporal"),
                Map.of("lsn", 1L),
                TOPIC,
                null,
                KEY_SCHEMA,
                key(),
                ENVELOPE_SCHEMA,
                value,
                1_700_000_000_000L);
    }

    static SourceRecord tombstone() {
        return new SourceRecord(
                Map.of("server", "temporal"), Map.of("lsn", 2L), TOPIC, null, KEY_SCHEMA, key(), null, null);
    }

    @Test
    void shouldWriteJsonConverterEnvelopeWithSchemaAndPayloadToTheRecordTopic() throws Exception {
        try (ConnectRecordSerializer serializer = ConnectRecordSerializer.json(Map.of(), Map.of())) {
            final ProducerRecord<byte[], byte[]> out = serializer.serialize(change("c", 1L));

            assertThat(out.topic()).isEqualTo(TOPIC);
            assertThat(out.partition()).isNull();
            assertThat(out.timestamp()).isEqualTo(1_700_000_000_000L);
            final JsonNode key = JSON.readTree(out.key());
            assertThat(key.path("schema").path("name").asText())
                    .isEqualTo("temporal.temporal_visibility.executions.Key");
            assertThat(key.path("payload").path("run_id").asText()).isEqualTo("r1");
            final JsonNode value = JSON.readTree(out.value());
            assertThat(value.path("schema").path("name").asText())
                    .isEqualTo("temporal.temporal_visibility.executions.Envelope");
            assertThat(value.path("payload").path("op").asText()).isEqualTo("c");
            assertThat(value.path("payload").path("after").path("status").asInt())
                    .isEqualTo(2);
        }
    }

    @Test
    void shouldWriteTombstoneWithKeyAndNullValue() throws Exception {
        try (ConnectRecordSerializer serializer = ConnectRecordSerializer.json(Map.of(), Map.of())) {
            final ProducerRecord<byte[], byte[]> out = serializer.serialize(tombstone());

            assertThat(out.value()).isNull();
            assertThat(JSON.readTree(out.key())
                            .path("payload")
                            .path("namespace_id")
                            .asText())
                    .isEqualTo("ns");
            assertThat(out.timestamp()).isNull();
        }
    }

    @Test
    void shouldWriteBarePayloadWhenSchemasDisabled() throws Exception {
        try (ConnectRecordSerializer serializer =
                ConnectRecordSerializer.json(Map.of("schemas.enable", "false"), Map.of("schemas.enable", "false"))) {
            final ProducerRecord<byte[], byte[]> out = serializer.serialize(change("u", 1L));

            assertThat(JSON.readTree(out.key()).path("run_id").asText()).isEqualTo("r1");
            assertThat(JSON.readTree(out.value()).has("schema")).isFalse();
            assertThat(JSON.readTree(out.value()).path("op").asText()).isEqualTo("u");
        }
    }

    @Test
    void shouldCarryConnectHeadersAsKafkaHeaders() {
        final SourceRecord record = change("c", 1L);
        record.headers().addString("origin", "eu");
        try (ConnectRecordSerializer serializer = ConnectRecordSerializer.json(Map.of(), Map.of())) {
            final ProducerRecord<byte[], byte[]> out = serializer.serialize(record);

            assertThat(new String(out.headers().lastHeader("origin").value(), StandardCharsets.UTF_8))
                    .isEqualTo("eu");
        }
    }
}
