package io.temporalcdc.cdcsource.avro;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** The Avro converter against the stack's real registry. */
class AvroConverterIT {

    private final SchemaRegistryClient client =
            SchemaRegistryClient.of(LocalStack.shared().schemaRegistry().url(), null);

    /** The same table's envelope, built anew as Debezium builds it each time PostgreSQL sends the relation again. */
    private static Schema envelope(boolean withCustomerId) {
        SchemaBuilder row = SchemaBuilder.struct()
                .name("temporal.temporal_visibility.executions.Value")
                .optional()
                .field("run_id", Schema.STRING_SCHEMA)
                .field("status", Schema.INT32_SCHEMA)
                .field("rate", Decimal.builder(2).optional().build());
        if (withCustomerId) {
            row.field("customer_id", Schema.OPTIONAL_STRING_SCHEMA);
        }
        Schema rowSchema = row.build();
        return SchemaBuilder.struct()
                .name("temporal.temporal_visibility.executions.Envelope")
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("op", Schema.STRING_SCHEMA)
                .build();
    }

    private static Struct change(Schema envelope, int i) {
        Struct after = new Struct(envelope.field("after").schema())
                .put("run_id", "run-" + i)
                .put("status", 1);
        return new Struct(envelope).put("after", after).put("op", "c");
    }

    private static int idOf(byte[] record) {
        assertThat(record[0]).as("magic byte").isZero();
        return ByteBuffer.wrap(record, 1, 4).getInt();
    }

    @Test
    void keepsOneSchemaPerTopicThroughRefreshedSchemaObjectsAndRegistersOnlyRealChanges() {
        String topic = Names.unique("avro-converter");
        try (AvroConverter converter = new AvroConverter(client, false)) {
            Schema first = envelope(false);
            byte[] original = converter.fromConnectData(topic, first, change(first, 1));
            int id = idOf(original);

            for (int refresh = 0; refresh < 200; refresh++) {
                Schema again = envelope(false); // equal, another object
                byte[] out = converter.fromConnectData(topic, again, change(again, 1));
                assertThat(out).as("refresh %d", refresh).isEqualTo(original);
            }
            assertThat(converter.knownTopics())
                    .as("one schema kept for the topic, not one per object")
                    .isEqualTo(1);
            assertThat(client.versions(AvroConverter.subject(topic, false))).containsExactly(1);

            // a record refused while it is converted (a decimal of another scale, as Connect's converters refuse it)
            // leaves nothing behind for the next one
            Struct broken = change(first, 1);
            broken.getStruct("after").put("rate", new java.math.BigDecimal("1.234"));
            assertThatThrownBy(() -> converter.fromConnectData(topic, first, broken))
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining(topic);
            assertThat(converter.fromConnectData(topic, first, change(first, 1)))
                    .isEqualTo(original);

            Schema evolved = envelope(true);
            byte[] next = converter.fromConnectData(topic, evolved, change(evolved, 2));
            assertThat(idOf(next)).isNotEqualTo(id);
            assertThat(client.versions(AvroConverter.subject(topic, false))).containsExactly(1, 2);
            assertThat(converter.knownTopics()).isEqualTo(1);
            assertThat(Arrays.equals(next, original)).isFalse();
        }
    }
}
