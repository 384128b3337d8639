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
    void shouldBuildOnlyTheProjectedColumnsOfBothImagesOnEveryPath() {
        JsonChangeEventDecoder projected = new JsonChangeEventDecoder(java.util.Set.of("namespace_id", "workflow_id"));
        String row = "{\"namespace_id\":\"ns\",\"workflow_id\":\"wf-%d\",\"memo\":\"bWVtbw==\","
                + "\"search_attributes\":\"{\\\"a\\\":[1,{\\\"b\\\":2}]}\",\"nested\":{\"x\":[1,2]}}";
        String payload =
                "{\"before\":" + row.formatted(1) + ",\"after\":" + row.formatted(2) + ",\"op\":\"u\"," + SOURCE + "}";
        String schema = "{\"type\":\"struct\",\"fields\":[{\"type\":\"struct\",\"fields\":["
                + "{\"type\":\"string\",\"field\":\"namespace_id\"}],\"field\":\"after\"}]}";
        String withSchema = "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
        byte[] key = bytes("{\"namespace_id\":\"ns\",\"run_id\":\"r1\"}");

        // without a schema, the first record with it (schema parsed), the second (schema known: the fast path)
        for (String value : java.util.List.of(payload, withSchema, withSchema)) {
            ChangeEvent event = projected.decode(TOPIC, key, bytes(value));
            ChangeEvent whole = decoder.decode(TOPIC, key, bytes(value));

            assertThat(event.before().toString()).isEqualTo("{\"namespace_id\":\"ns\",\"workflow_id\":\"wf-1\"}");
            assertThat(event.after().toString()).isEqualTo("{\"namespace_id\":\"ns\",\"workflow_id\":\"wf-2\"}");
            assertThat(event.op()).isEqualTo(whole.op());
            assertThat(event.source()).isEqualTo(whole.source());
            assertThat(event.key()).isEqualTo(whole.key());
            assertThat(event.columnTypes()).isEqualTo(whole.columnTypes());
        }
        // the key is never cut down, even with a column named like a row image
        byte[] oddKey = bytes("{\"after\":{\"x\":1},\"run_id\":\"r1\"}");
        assertThat(projected.decode(TOPIC, oddKey, bytes(withSchema)).key())
                .isEqualTo(decoder.decode(TOPIC, oddKey, bytes(withSchema)).key());
        // nothing where the payload should be, behind a known schema: an error, as for the whole-row decoder
        assertThatThrownBy(() -> projected.decode(TOPIC, null, bytes("{\"schema\":" + schema + ",\"payload\": }")))
                .isInstanceOf(DecodingException.class);
        // a row without the projected columns: empty images, decoded as the whole decoder decodes it
        ChangeEvent bare = projected.decode(TOPIC, null, bytes("{\"op\":\"c\",\"after\":{\"x\":1}," + SOURCE + "}"));
        assertThat(bare.after().isEmpty()).isTrue();
        assertThat(bare.op()).isEqualTo(ChangeEvent.Op.CREATE);
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
