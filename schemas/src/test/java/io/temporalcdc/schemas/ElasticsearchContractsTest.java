package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ElasticsearchContractsTest {

    private static final String NANOS = "strict_date_optional_time_nanos";

    @Test
    void shouldMapStrictly() {
        assertThat(ElasticsearchContracts.mapping().path("dynamic").asText()).isEqualTo("strict");
    }

    @Test
    void shouldMapEverySeedFieldWithItsType() {
        JsonNode properties = ElasticsearchContracts.mapping().path("properties");
        Map<String, String> types = new LinkedHashMap<>();
        properties
                .properties()
                .forEach(e -> types.put(e.getKey(), e.getValue().path("type").asText()));
        assertThat(types)
                .containsExactly(
                        Map.entry("NamespaceId", "keyword"),
                        Map.entry("WorkflowId", "keyword"),
                        Map.entry("RunId", "keyword"),
                        Map.entry("WorkflowType", "keyword"),
                        Map.entry("StartTime", "date"),
                        Map.entry("ExecutionTime", "date"),
                        Map.entry("CloseTime", "date"),
                        Map.entry("ExecutionStatus", "integer"),
                        Map.entry("ExecutionDuration", "long"),
                        Map.entry("HistoryLength", "long"),
                        Map.entry("TaskQueue", "keyword"),
                        Map.entry("Memo", "object"),
                        Map.entry("SearchAttributes", "object"));
        assertThat(dateFormats(properties)).containsExactly("StartTime", "ExecutionTime", "CloseTime");
        assertThat(properties.path("Memo").path("enabled").asBoolean(true)).isFalse();
    }

    @Test
    void shouldMapAllSixCustomSearchAttributes() {
        JsonNode attributes = ElasticsearchContracts.mapping()
                .path("properties")
                .path("SearchAttributes")
                .path("properties");
        Map<String, String> types = new LinkedHashMap<>();
        attributes
                .properties()
                .forEach(e -> types.put(e.getKey(), e.getValue().path("type").asText()));
        assertThat(types)
                .containsExactly(
                        Map.entry("CustomKeywordField", "keyword"), Map.entry("CustomIntField", "integer"),
                        Map.entry("CustomDoubleField", "double"), Map.entry("CustomBoolField", "boolean"),
                        Map.entry("CustomDatetimeField", "date"), Map.entry("CustomStringField", "text"));
        assertThat(attributes.path("CustomDatetimeField").path("format").asText())
                .isEqualTo(NANOS);
        assertThat(attributes.path("CustomStringField").path("analyzer").asText())
                .isEqualTo("standard");
    }

    @Test
    void shouldCarryTheSeedsSettingsAsDefaults() {
        ObjectNode template = ElasticsearchContracts.indexTemplate();
        JsonNode settings = template.path("template").path("settings");
        assertThat(template.path("index_patterns").get(0).asText())
                .isEqualTo(ElasticsearchContracts.DEFAULT_INDEX_PREFIX + "_*");
        assertThat(settings.path("number_of_shards").asInt()).isEqualTo(3);
        assertThat(settings.path("number_of_replicas").asInt()).isEqualTo(1);
        assertThat(settings.path("refresh_interval").asText()).isEqualTo("5s");
        assertThat(settings.path("index.codec").asText()).isEqualTo("best_compression");
        assertThat(settings.path("index.mapping.total_fields.limit").asInt()).isEqualTo(2000);
        assertThat(settings.path("index.max_result_window").asInt()).isEqualTo(10000);
        assertThat(settings.path("index.lifecycle.name").asText()).isEqualTo(ElasticsearchContracts.ILM_POLICY_NAME);
        assertThat(settings.path("index.lifecycle.rollover_alias").asText())
                .isEqualTo(ElasticsearchContracts.DEFAULT_INDEX_PREFIX);
    }

    @Test
    void shouldCarryTheSeedsLifecyclePhases() {
        JsonNode phases = ElasticsearchContracts.ilmPolicy().path("policy").path("phases");
        assertThat(phases.fieldNames()).toIterable().containsExactly("hot", "warm", "cold", "delete");
        JsonNode rollover = phases.path("hot").path("actions").path("rollover");
        assertThat(rollover.path("max_primary_shard_size").asText()).isEqualTo("5GB");
        assertThat(rollover.path("max_age").asText()).isEqualTo("7d");
        assertThat(phases.path("warm")
                        .path("actions")
                        .path("shrink")
                        .path("number_of_shards")
                        .asInt())
                .isEqualTo(1);
        assertThat(phases.path("cold").path("min_age").asText()).isEqualTo("30d");
        assertThat(phases.path("delete").path("min_age").asText()).isEqualTo("90d");
        assertThat(phases.path("delete").path("actions").has("delete")).isTrue();
    }

    @Test
    void shouldHandOutAFreshCopyOnEveryCall() {
        ObjectNode first = ElasticsearchContracts.indexTemplate();
        ((ObjectNode) first.path("template").path("settings")).put("number_of_replicas", 0);
        ElasticsearchContracts.mapping().put("dynamic", "true");
        ElasticsearchContracts.ilmPolicy().removeAll();

        assertThat(ElasticsearchContracts.indexTemplate()
                        .path("template")
                        .path("settings")
                        .path("number_of_replicas")
                        .asInt())
                .isEqualTo(1);
        assertThat(ElasticsearchContracts.indexTemplate()
                        .path("template")
                        .path("mappings")
                        .path("dynamic")
                        .asText())
                .isEqualTo("strict");
        assertThat(ElasticsearchContracts.ilmPolicy().has("policy")).isTrue();
    }

    private static List<String> dateFormats(JsonNode properties) {
        List<String> names = new ArrayList<>();
        properties.properties().forEach(e -> {
            if (NANOS.equals(e.getValue().path("format").asText())) {
                names.add(e.getKey());
            }
        });
        return names;
    }

    @Test
    void shouldShipTemporalsV14IndexWithItsSortAndTypes() {
        ObjectNode index = ElasticsearchContracts.temporalIndex();
        JsonNode settings = index.path("settings").path("index");
        assertThat(settings.path("sort.field").toString()).isEqualTo("[\"CloseTime\",\"StartTime\",\"RunId\"]");
        assertThat(settings.path("sort.order").toString()).isEqualTo("[\"desc\",\"desc\",\"desc\"]");
        assertThat(settings.path("sort.missing").toString()).isEqualTo("[\"_first\",\"_first\",\"_first\"]");
        JsonNode mappings = index.path("mappings");
        assertThat(mappings.path("dynamic").asText()).isEqualTo("false");
        assertThat(mappings.path("_meta").path("temporal_visibility_schema").asText())
                .isEqualTo(ElasticsearchContracts.TEMPORAL_SCHEMA_VERSION);
        JsonNode properties = mappings.path("properties");
        assertThat(properties.size()).isEqualTo(49);
        assertThat(properties.path("ExecutionStatus").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("StartTime").path("type").asText()).isEqualTo("date_nanos");
        assertThat(properties.path("TemporalDouble01").path("scaling_factor").asInt())
                .isEqualTo(10000);
        // only in _source, as Temporal writes them
        assertThat(properties.has("Memo")).isFalse();
        assertThat(properties.has("MemoEncoding")).isFalse();
        assertThat(properties.has("VisibilityTaskKey")).isFalse();
    }
}
