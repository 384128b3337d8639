package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonChangeEventDecoderTest {
    private static final String TOPIC = "temporal.temporal_visibility.executions";
    private static final String SOURCE = "\"source\":{\"connector\":\"postgresql\",\"db\":\"temporal\","
            + "\"schema\":\"temporal_visibility\",\"table\":\"executions\",\"lsn\":23456,\"txId\":771,"
            + "\"sequence\":\"[\\\"22000\\\",\\\"23456\\\"]\","
            + "\"ts_ms\":1700000000123,\"snapshot\":\"false\"}";
    private final JsonChangeEventDecoder decoder = new JsonChangeEventDecoder();

    @Test
    void shouldDecodeEnvelopeWithoutEmbeddedSchema() {
        ChangeEvent event = decoder.decode(
                TOPIC,
                bytes("{\"run_id\":\"r1  \"}"),
                bytes("{\"before\":null,\"after\":{\"run_id\":\"r1  \",\"status\":1},\"op\":\"c\"," + SOURCE + "}"));

        assertThat(event.op()).isEqualTo(ChangeEvent.Op.CREATE);
        assertThat(event.key().get("run_id").asText()).isEqualTo("r1  ");
        assertThat(event.row().get("status").asInt()).isEqualTo(1);
        assertThat(event.before()).isNull();
        assertThat(event.source())
                .isEqualTo(new ChangeEvent.Source(
                        "postgresql",
                        "temporal",
                        "temporal_visibility",
                        "executions",
                        23456L,
                        22000L,
                        771L,
                        1700000000123L,
                        false));
    }

    @Test
    void shouldUnwrapEmbeddedSchemaAndUseBeforeForDeletes() {
        String value = "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"before\":{\"run_id\":\"r1\"},\"after\":null,"
                + "\"op\":\"d\"," + SOURCE.replace("\"false\"", "\"last\"") + "}}";

        ChangeEvent event =
                decoder.decode(TOPIC, bytes("{\"schema\":{},\"payload\":{\"run_id\":\"r1\"}}"), bytes(value));

        assertThat(event.op()).isEqualTo(ChangeEvent.Op.DELETE);
        assertThat(event.row().get("run_id").asText()).isEqualTo("r1");
        assertThat(event.key().get("run_id").asText()).isEqualTo("r1");
        assertThat(event.source().snapshot()).isTrue();
    }

    @Test
    void shouldReadTheLastCommitLsnOfTheSequenceAndTheColumnTypesOfTheSchema() {
        String value = "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":["
                + "{\"type\":\"int64\",\"name\":\"io.debezium.time.MicroTimestamp\",\"field\":\"start_time\"},"
                + "{\"type\":\"string\",\"field\":\"run_id\"}],\"field\":\"after\"}]},"
                + "\"payload\":{\"before\":null,\"after\":{\"run_id\":\"r1\",\"start_time\":1},\"op\":\"c\","
                + SOURCE.replace("[\\\"22000\\\"", "[null") + "}}";

        ChangeEvent event = decoder.decode(TOPIC, null, bytes(value));

        assertThat(event.source().lastCommitLsn()).isNull();
        assertThat(event.columnTypes())
                .containsExactly(java.util.Map.entry("start_time", "io.debezium.time.MicroTimestamp"));
        assertThat(decoder.decode(TOPIC, null, bytes("{\"op\":\"c\",\"after\":{}," + SOURCE + "}"))
                        .source()
                        .lastCommitLsn())
                .isEqualTo(22000L);
    }

    @Test
    void shouldDecodeTheSameWhetherTheSchemaIsNewOrSeenBefore() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":["
                + "{\"type\":\"int64\",\"name\":\"io.debezium.time.MicroTimestamp\",\"field\":\"start_time\"}],"
                + "\"field\":\"after\"}]}";
        String first =
                "{\"schema\":" + schema + ",\"payload\":{\"op\":\"c\",\"after\":{\"start_time\":1}," + SOURCE + "}}";
        String second = first.replace("\"start_time\":1}", "\"start_time\":2}");
        String notTheUsualShape = first.substring(0, first.length() - 1) + ",\"extra\":1}";

        ChangeEvent one = decoder.decode(TOPIC, null, bytes(first));
        ChangeEvent two = decoder.decode(TOPIC, null, bytes(second));

        assertThat(one.row().get("start_time").asLong()).isEqualTo(1L);
        assertThat(two.row().get("start_time").asLong()).isEqualTo(2L);
        assertThat(two.columnTypes()).isEqualTo(one.columnTypes()).containsKey("start_time");
        assertThat(two.source()).isEqualTo(one.source());
        // three fields: not a JsonConverter record with a schema, so read as a plain envelope, which has no "op"
        assertThatThrownBy(() -> decoder.decode(TOPIC, null, bytes(notTheUsualShape)))
                .isInstanceOf(DecodingException.class)
                .hasMessageContaining("no \"op\"");
    }

    @Test
    void shouldTreatNullValueAsTombstone() {
        ChangeEvent event = decoder.decode(TOPIC, bytes("{\"run_id\":\"r1\"}"), null);

        assertThat(event.isTombstone()).isTrue();
        assertThat(event.row()).isNull();
    }

    @Test
    void shouldExplainWhyARecordIsUnreadable() {
        assertThatThrownBy(() -> decoder.decode(TOPIC, null, bytes("{not json")))
                .isInstanceOf(DecodingException.class)
                .hasMessageContaining("value is not JSON");
        assertThatThrownBy(() -> decoder.decode(TOPIC, null, bytes("{\"op\":\"u\",\"after\":null," + SOURCE + "}")))
                .isInstanceOf(DecodingException.class)
                .hasMessageContaining("without the row it needs (after)");
        assertThatThrownBy(() -> decoder.decode(TOPIC, null, bytes("{\"op\":\"x\"," + SOURCE + "}")))
                .isInstanceOf(DecodingException.class)
                .hasMessageContaining("unknown op \"x\"");
        assertThatThrownBy(() -> decoder.decode(TOPIC, null, bytes("{\"op\":\"c\",\"after\":{}}")))
                .isInstanceOf(DecodingException.class)
                .hasMessageContaining("no \"source\"");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
