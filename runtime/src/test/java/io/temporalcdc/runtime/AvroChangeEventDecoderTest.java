package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.Test;

/** The Avro → tree conversion: the tree Kafka Connect's JsonConverter writes for the same change. */
class AvroChangeEventDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema ENTRY = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"MapEntry\",\"namespace\":\"io.confluent.connect.avro\",\"fields\":["
                    + "{\"name\":\"key\",\"type\":\"int\"},{\"name\":\"value\",\"type\":\"long\"}]}");
    private static final Schema ROW = new Schema.Parser()
            .parse("{\"type\":\"record\",\"name\":\"Value\",\"fields\":["
                    + "{\"name\":\"run_id\",\"type\":\"string\"},"
                    + "{\"name\":\"status\",\"type\":\"int\"},"
                    + "{\"name\":\"small\",\"type\":\"long\"},"
                    + "{\"name\":\"start_time\",\"type\":{\"type\":\"long\",\"connect.name\":\"io.debezium.time.MicroTimestamp\"}},"
                    + "{\"name\":\"memo\",\"type\":[\"null\",\"bytes\"],\"default\":null},"
                    + "{\"name\":\"close_time\",\"type\":[\"null\",\"long\"],\"default\":null},"
                    + "{\"name\":\"ratio\",\"type\":\"float\"},"
                    + "{\"name\":\"ok\",\"type\":\"boolean\"},"
                    + "{\"name\":\"labels\",\"type\":{\"type\":\"map\",\"values\":\"string\"}},"
                    + "{\"name\":\"counts\",\"type\":{\"type\":\"array\",\"items\":" + ENTRY + "}}]}");

    @Test
    void shouldBuildTheTreeJsonConverterWritesForTheSameValues() throws Exception {
        GenericData.Record row = new GenericData.Record(ROW);
        row.put("run_id", new org.apache.avro.util.Utf8("run-1"));
        row.put("status", 2);
        row.put("small", 42L);
        row.put("start_time", 1_709_288_130_000_120L);
        row.put("memo", ByteBuffer.wrap("{}".getBytes(StandardCharsets.UTF_8)));
        row.put("close_time", null);
        row.put("ratio", 1.1f);
        row.put("ok", true);
        row.put("labels", Map.of(new org.apache.avro.util.Utf8("k"), new org.apache.avro.util.Utf8("v")));
        GenericData.Record entry = new GenericData.Record(ENTRY);
        entry.put("key", 1);
        entry.put("value", 10L);
        row.put("counts", List.of(entry));

        JsonNode tree = AvroChangeEventDecoder.tree(row);

        JsonNode expected = JSON.readTree("{\"run_id\":\"run-1\",\"status\":2,\"small\":42,"
                + "\"start_time\":1709288130000120,\"memo\":\"e30=\",\"close_time\":null,\"ratio\":1.1,\"ok\":true,"
                + "\"labels\":{\"k\":\"v\"},\"counts\":[[1,10]]}");
        assertThat(tree).isEqualTo(expected);
        assertThat(tree.get("small").isInt())
                .as("a long that fits an int reads as Jackson reads it")
                .isTrue();
        assertThat(tree.get("start_time").isLong()).isTrue();
    }

    @Test
    void shouldRecognizeTheConfluentWireFormatByItsMagicByte() {
        assertThat(AvroChangeEventDecoder.isAvro(new byte[] {0, 0, 0, 0, 7, 2})).isTrue();
        assertThat(AvroChangeEventDecoder.isAvro("{\"schema\":{}}".getBytes(StandardCharsets.UTF_8)))
                .isFalse();
        assertThat(AvroChangeEventDecoder.isAvro(new byte[] {0, 1}))
                .as("too short for a schema id")
                .isFalse();
    }

    @Test
    void shouldStopRatherThanDeadLetterAnAvroRecordWhenNoRegistryIsConfigured() {
        DetectingChangeEventDecoder decoder = new DetectingChangeEventDecoder(null, null);

        assertThatThrownBy(() -> decoder.decode("t", null, new byte[] {0, 0, 0, 0, 7, 2}))
                .isInstanceOf(IllegalStateException.class)
                .isNotInstanceOf(DecodingException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("schema id 7");
        assertThat(decoder.decode("t", null, null).isTombstone()).isTrue();
    }
}
