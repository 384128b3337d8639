package io.temporalcdc.cdcsource.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

class ConnectAvroSchemasTest {

    private static final Schema MICROS = SchemaBuilder.int64()
            .name("io.debezium.time.MicroTimestamp")
            .version(1)
            .optional()
            .build();
    private static final Schema ROW = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Value")
            .field("run_id", Schema.STRING_SCHEMA)
            .field("status", Schema.INT32_SCHEMA)
            .field("shard", Schema.INT16_SCHEMA)
            .field("start_time", MICROS)
            .field("memo", Schema.OPTIONAL_BYTES_SCHEMA)
            .field(
                    "amount",
                    Decimal.builder(2)
                            .parameter("connect.decimal.precision", "10")
                            .optional()
                            .build())
            .field("day", Date.builder().optional().build())
            .field("at", Timestamp.builder().optional().build())
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field(
                    "counts",
                    SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.INT64_SCHEMA)
                            .optional()
                            .build())
            .field(
                    "labels",
                    SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA)
                            .optional()
                            .build())
            .field("state", SchemaBuilder.int32().defaultValue(0).build())
            .optional()
            .build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Envelope")
            .version(2)
            .field("before", ROW)
            .field("after", ROW)
            .field("op", Schema.STRING_SCHEMA)
            .build();

    private final ConnectAvroSchemas schemas = new ConnectAvroSchemas();

    @Test
    void shouldNameRecordsByTheirConnectNameAndDefineARepeatedRecordOnce() {
        org.apache.avro.Schema avro = schemas.avroSchema(ENVELOPE);

        assertThat(avro.getFullName()).isEqualTo("temporal.temporal_visibility.executions.Envelope");
        assertThat(avro.getProp("connect.name")).isEqualTo("temporal.temporal_visibility.executions.Envelope");
        assertThat(avro.getObjectProp("connect.version")).isEqualTo(2);
        // before and after: the same record, defined once and then referred to by name
        assertThat(avro.toString()).containsOnlyOnce("\"name\":\"Value\"");
        assertThat(avro.getField("before").schema().getTypes())
                .extracting(org.apache.avro.Schema::getType)
                .containsExactly(org.apache.avro.Schema.Type.NULL, org.apache.avro.Schema.Type.RECORD);
        assertThat(avro.getField("before").defaultVal()).isEqualTo(org.apache.avro.JsonProperties.NULL_VALUE);
        assertThat(schemas.avroSchema(ENVELOPE)).as("cached").isSameAs(avro);
    }

    @Test
    void shouldKeepConnectAndDebeziumTypesAsLogicalTypesAndConnectProperties() {
        org.apache.avro.Schema row = schemas.avroSchema(ENVELOPE)
                .getField("after")
                .schema()
                .getTypes()
                .get(1);

        org.apache.avro.Schema startTime =
                row.getField("start_time").schema().getTypes().get(1);
        assertThat(startTime.getType()).isEqualTo(org.apache.avro.Schema.Type.LONG);
        assertThat(startTime.getProp("connect.name")).isEqualTo("io.debezium.time.MicroTimestamp");
        assertThat(startTime.getObjectProp("connect.version")).isEqualTo(1);
        assertThat(row.getField("shard").schema().getProp("connect.type")).isEqualTo("int16");
        org.apache.avro.Schema amount =
                row.getField("amount").schema().getTypes().get(1);
        assertThat(amount.getLogicalType()).isEqualTo(LogicalTypes.decimal(10, 2));
        assertThat(amount.getProp("connect.name")).isEqualTo(Decimal.LOGICAL_NAME);
        assertThat(row.getField("day").schema().getTypes().get(1).getLogicalType())
                .isEqualTo(LogicalTypes.date());
        assertThat(row.getField("at").schema().getTypes().get(1).getLogicalType())
                .isEqualTo(LogicalTypes.timestampMillis());
        assertThat(row.getField("counts").schema().getTypes().get(1).getType())
                .as("a map whose keys are not strings")
                .isEqualTo(org.apache.avro.Schema.Type.ARRAY);
        assertThat(row.getField("labels").schema().getTypes().get(1).getType())
                .isEqualTo(org.apache.avro.Schema.Type.MAP);
        assertThat(row.getField("state").defaultVal()).as("a column default").isEqualTo(0);
    }

    @Test
    void shouldWriteValuesThatAnAvroReaderReadsBack() throws Exception {
        Struct after = new Struct(ROW)
                .put("run_id", "run-1")
                .put("status", 2)
                .put("shard", (short) 7)
                .put("start_time", 1_700_000_000_123_456L)
                .put("memo", new byte[] {1, 2, 3})
                .put("amount", new BigDecimal("12.34"))
                .put("day", new java.util.Date(86_400_000L * 3))
                .put("at", new java.util.Date(1_700_000_000_123L))
                .put("tags", List.of("a", "b"))
                .put("counts", Map.of(1, 10L))
                .put("labels", Map.of("k", "v"))
                .put("state", 5);
        Struct envelope = new Struct(ENVELOPE).put("after", after).put("op", "c");
        org.apache.avro.Schema schema = schemas.avroSchema(ENVELOPE);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(schemas.avroValue(ENVELOPE, envelope), encoder);
        encoder.flush();
        GenericRecord read = (GenericRecord) new GenericDatumReader<>(schema)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertThat(read.get("before")).isNull();
        assertThat(read.get("op").toString()).isEqualTo("c");
        GenericRecord row = (GenericRecord) read.get("after");
        assertThat(row.get("run_id").toString()).isEqualTo("run-1");
        assertThat(row.get("shard")).isEqualTo(7);
        assertThat(row.get("start_time")).isEqualTo(1_700_000_000_123_456L);
        assertThat(((ByteBuffer) row.get("memo")).array()).containsExactly(1, 2, 3);
        assertThat(new BigDecimal(new java.math.BigInteger(((ByteBuffer) row.get("amount")).array()), 2))
                .isEqualByComparingTo("12.34");
        assertThat(row.get("day")).isEqualTo(3);
        assertThat(row.get("at")).isEqualTo(1_700_000_000_123L);
        assertThat(row.get("state")).isEqualTo(5);
    }

    @Test
    void shouldRefuseANullForARequiredField() {
        assertThatThrownBy(() -> schemas.avroValue(Schema.STRING_SCHEMA, null))
                .isInstanceOf(DataException.class)
                .hasMessageContaining("required");
    }

    @Test
    void shouldMakeNamesValidForAvro() {
        assertThat(ConnectAvroSchemas.avroName("my-prefix.temporal.1table")).isEqualTo("my_prefix.temporal._table");
    }

    @Test
    void shouldRefuseADecimalOfAnotherScaleRatherThanWriteAnotherNumber() {
        Schema amount = Decimal.builder(2).build();

        assertThatThrownBy(() -> schemas.avroValue(amount, new BigDecimal("12.5")))
                .isInstanceOf(DataException.class);
        assertThat(((ByteBuffer) schemas.avroValue(amount, new BigDecimal("12.50"))).array())
                .containsExactly(new java.math.BigInteger("1250").toByteArray());
    }

    @Test
    void shouldKeepDefaultsOfLogicalAndBytesColumnsSoAddingSuchAColumnStaysCompatible() {
        Schema row = SchemaBuilder.struct()
                .name("t.Value")
                .field(
                        "amount",
                        Decimal.builder(2).defaultValue(new BigDecimal("0.00")).build())
                .field("day", Date.builder().defaultValue(new java.util.Date(0)).build())
                .field(
                        "blob",
                        SchemaBuilder.bytes().defaultValue(new byte[] {1, 2}).build())
                .build();

        org.apache.avro.Schema avro = schemas.avroSchema(row);

        assertThat(avro.getField("amount").hasDefaultValue()).isTrue();
        assertThat(avro.getField("day").defaultVal()).isEqualTo(0);
        assertThat(avro.getField("blob").hasDefaultValue()).isTrue();
    }

    @Test
    void shouldMakeFieldNamesValidWithoutNamespaces() {
        assertThat(ConnectAvroSchemas.fieldName("a.b-c")).isEqualTo("a_b_c");
    }
}
