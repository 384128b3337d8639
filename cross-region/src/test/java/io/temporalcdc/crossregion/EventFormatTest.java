package io.temporalcdc.crossregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class EventFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWriteEveryEventInTheConfluentWireFormatWithItsSchemaId() {
        EventFormat avro = new EventFormat.Avro(42);
        ReplicationEvent replicated = ReplicationEvent.replicated(
                "temporal_visibility.executions", "{\"run_id\":\"r\"}", "sha256=ab", "a", 1_000, "b", 1_250, 2_000);
        Map.Entry<Integer, GenericRecord> read = EventFormat.readAvro(avro.write(replicated));
        assertThat(read.getKey()).isEqualTo(42);
        assertThat(read.getValue().get("type").toString()).isEqualTo("replicated");
        assertThat(read.getValue().get("lagMs")).isEqualTo(250L);
        assertThat(read.getValue().get("versions")).isNull();

        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("a", "sha256=ab");
        versions.put("b", null);
        GenericRecord opened = EventFormat.readAvro(
                        avro.write(ReplicationEvent.opened("t.t", "{}", versions, 1_000, 7_000)))
                .getValue();
        @SuppressWarnings("unchecked")
        Map<Object, Object> readVersions = (Map<Object, Object>) opened.get("versions");
        assertThat(readVersions).hasSize(2);
        assertThat(readVersions.entrySet())
                .anyMatch(e -> e.getKey().toString().equals("b") && e.getValue() == null)
                .anyMatch(e -> e.getKey().toString().equals("a")
                        && e.getValue().toString().equals("sha256=ab"));
        assertThat(opened.get("sinceMs")).isEqualTo(1_000L);

        GenericRecord closed = EventFormat.readAvro(
                        avro.write(ReplicationEvent.closed("t.t", "{}", "sha256=cd", 1_000, 4_000)))
                .getValue();
        assertThat(closed.get("openForMs")).isEqualTo(3_000L);
    }

    @Test
    void shouldWriteJsonWithoutARegistry() throws Exception {
        byte[] bytes = EventFormat.json().write(ReplicationEvent.closed("t.t", "{}", "sha256=cd", 1_000, 4_000));
        JsonNode json = JSON.readTree(bytes);
        assertThat(json.path("type").asText()).isEqualTo("divergence-closed");
        assertThat(json.has("lagMs")).isFalse();
    }

    @Test
    void shouldRefuseBytesThatAreNotAnAvroEvent() {
        assertThatThrownBy(() -> EventFormat.readAvro("{}".getBytes()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("magic byte");
    }
}
