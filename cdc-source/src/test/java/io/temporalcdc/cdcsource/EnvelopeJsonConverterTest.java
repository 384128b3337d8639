package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

class EnvelopeJsonConverterTest {
    private static final String TOPIC = ConnectRecordSerializerTest.TOPIC;

    private static final Schema ROW = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Value")
            .optional()
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("status", Schema.INT32_SCHEMA)
            .field("memo", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("close_time", Timestamp.builder().optional().build())
            .field("rate", Decimal.builder(2).optional().build())
            .field(
                    "search_attributes",
                    SchemaBuilder.string().optional().defaultValue("{}").build())
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Envelope")
            .field("before", ROW)
            .field("after", ROW)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private static Struct change(int i) {
        Struct after = new Struct(ROW)
                .put("namespace_id", "ns-" + i + (i % 3 == 0 ? " \"quoted\" \\ é 😀\n" : ""))
                .put("status", i)
                .put("memo", i % 2 == 0 ? null : new byte[] {1, 2, (byte) i})
                .put("close_time", i % 4 == 0 ? null : new Date(1_700_000_000_000L + i))
                .put(
                        "rate",
                        i % 5 == 0 ? null : new BigDecimal(i).movePointLeft(2).setScale(2))
                .put("search_attributes", i % 6 == 0 ? null : "{\"k\":" + i + "}");
        Struct value = new Struct(ENVELOPE).put("after", after).put("op", i % 2 == 0 ? "c" : "u");
        if (i % 7 == 0) {
            value.put("before", after);
        }
        return value;
    }

    private static JsonConverter jsonConverter(Map<String, ?> settings, boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(settings, isKey);
        return converter;
    }

    private static EnvelopeJsonConverter converter(Map<String, ?> settings, boolean isKey) {
        EnvelopeJsonConverter converter = new EnvelopeJsonConverter();
        converter.configure(settings, isKey);
        return converter;
    }

    @Test
    void writesJsonConvertersBytesForEveryRecordOfASchema() {
        try (JsonConverter reference = jsonConverter(Map.of(), false);
                EnvelopeJsonConverter converter = converter(Map.of(), false)) {
            for (int i = 0; i < 200; i++) {
                Struct value = change(i);
                assertThat(converter.fromConnectData(TOPIC, ENVELOPE, value))
                        .as("record %d", i)
                        .isEqualTo(reference.fromConnectData(TOPIC, ENVELOPE, value));
            }
            assertThat(converter.shortcuts())
                    .as("records written from the kept schema JSON")
                    .isEqualTo(199);
        }
    }

    @Test
    void writesJsonConvertersBytesForKeysAndWithItsOtherSettings() {
        Map<String, String> settings = Map.of("decimal.format", "NUMERIC", "replace.null.with.default", "false");
        try (JsonConverter reference = jsonConverter(settings, false);
                EnvelopeJsonConverter converter = converter(settings, false);
                JsonConverter referenceKey = jsonConverter(Map.of(), true);
                EnvelopeJsonConverter keys = converter(Map.of(), true)) {
            for (int i = 0; i < 50; i++) {
                Struct value = change(i);
                assertThat(converter.fromConnectData(TOPIC, ENVELOPE, value))
                        .isEqualTo(reference.fromConnectData(TOPIC, ENVELOPE, value));
                Struct key = ConnectRecordSerializerTest.key();
                assertThat(keys.fromConnectData(TOPIC, ConnectRecordSerializerTest.KEY_SCHEMA, key))
                        .isEqualTo(referenceKey.fromConnectData(TOPIC, ConnectRecordSerializerTest.KEY_SCHEMA, key));
            }
            assertThat(converter.shortcuts()).isEqualTo(49);
            assertThat(keys.shortcuts()).isEqualTo(49);
        }
    }

    @Test
    void aNewSchemaObjectIsWrittenWithItsOwnSchema() {
        Schema evolved = SchemaBuilder.struct()
                .name("temporal.temporal_visibility.executions.Envelope")
                .field("op", Schema.STRING_SCHEMA)
                .field("customer_id", Schema.OPTIONAL_STRING_SCHEMA)
                .build();
        try (JsonConverter reference = jsonConverter(Map.of(), false);
                EnvelopeJsonConverter converter = converter(Map.of(), false)) {
            for (int i = 0; i < 3; i++) {
                byte[] out = converter.fromConnectData(TOPIC, ENVELOPE, change(i));
                assertThat(out).isEqualTo(reference.fromConnectData(TOPIC, ENVELOPE, change(i)));
                assertThat(new String(out, StandardCharsets.UTF_8)).doesNotContain("customer_id");
            }
            // the table changed (a new schema object, as Debezium builds after a DDL): its records carry the new one
            for (int i = 0; i < 3; i++) {
                Struct next = new Struct(evolved).put("op", "u").put("customer_id", "c" + i);
                byte[] out = converter.fromConnectData(TOPIC, evolved, next);
                assertThat(out).isEqualTo(reference.fromConnectData(TOPIC, evolved, next));
                assertThat(new String(out, StandardCharsets.UTF_8)).contains("\"customer_id\"");
            }
            // an equal schema in a new object (Debezium's relation sent again after a reconnect): written again
            Schema again = SchemaBuilder.struct()
                    .name("temporal.temporal_visibility.executions.Envelope")
                    .field("op", Schema.STRING_SCHEMA)
                    .field("customer_id", Schema.OPTIONAL_STRING_SCHEMA)
                    .build();
            Struct last = new Struct(again).put("op", "u").put("customer_id", "c9");
            assertThat(converter.fromConnectData(TOPIC, again, last))
                    .isEqualTo(reference.fromConnectData(TOPIC, again, last));
            assertThat(converter.shortcuts()).as("2 of each schema's 3 records").isEqualTo(4);
        }
    }

    @Test
    void recordsWithoutSchemaOrValueAndSchemasDisabledAreJsonConvertersOwn() {
        Schema optional = SchemaBuilder.struct()
                .optional()
                .field("a", Schema.STRING_SCHEMA)
                .build();
        try (JsonConverter reference = jsonConverter(Map.of(), false);
                EnvelopeJsonConverter converter = converter(Map.of(), false)) {
            assertThat(converter.fromConnectData(TOPIC, null, null)).isNull();
            assertThat(converter.fromConnectData(TOPIC, optional, null))
                    .isEqualTo(reference.fromConnectData(TOPIC, optional, null));
            assertThat(converter.fromConnectData(TOPIC, null, Map.of("a", 1)))
                    .isEqualTo(reference.fromConnectData(TOPIC, null, Map.of("a", 1)));
        }
        Map<String, String> bare = Map.of("schemas.enable", "false");
        try (JsonConverter reference = jsonConverter(bare, false);
                EnvelopeJsonConverter converter = converter(bare, false)) {
            for (int i = 0; i < 3; i++) {
                assertThat(converter.fromConnectData(TOPIC, ENVELOPE, change(i)))
                        .isEqualTo(reference.fromConnectData(TOPIC, ENVELOPE, change(i)));
            }
            assertThat(converter.shortcuts()).isZero();
        }
    }

    @Test
    void aValueItsSchemaRefusesIsRefusedAsByJsonConverter() {
        Struct missing = new Struct(ENVELOPE); // op is required
        try (EnvelopeJsonConverter converter = converter(Map.of(), false)) {
            converter.fromConnectData(TOPIC, ENVELOPE, change(1)); // the schema is known from here on
            assertThatThrownBy(() -> converter.fromConnectData(TOPIC, ENVELOPE, missing))
                    .isInstanceOf(DataException.class);
        }
    }

    @Test
    void theSchemaIsTakenOnlyFromTheExactEnvelopeAroundThePayload() {
        byte[] body = "{\"op\":\"c\"}".getBytes(StandardCharsets.UTF_8);
        assertThat(EnvelopeJsonConverter.schemaOf(
                        "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"op\":\"c\"}}"
                                .getBytes(StandardCharsets.UTF_8),
                        body))
                .asString(StandardCharsets.UTF_8)
                .isEqualTo("{\"type\":\"struct\"}");
        assertThat(EnvelopeJsonConverter.schemaOf(
                        "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"op\":\"u\"}}"
                                .getBytes(StandardCharsets.UTF_8),
                        body))
                .isNull();
        assertThat(EnvelopeJsonConverter.schemaOf(
                        "{\"payload\":{\"op\":\"c\"},\"schema\":{}}".getBytes(StandardCharsets.UTF_8), body))
                .isNull();
        assertThat(EnvelopeJsonConverter.schemaOf("{\"op\":\"c\"}".getBytes(StandardCharsets.UTF_8), body))
                .isNull();
        assertThat(EnvelopeJsonConverter.schemaOf(null, body)).isNull();
    }
}
