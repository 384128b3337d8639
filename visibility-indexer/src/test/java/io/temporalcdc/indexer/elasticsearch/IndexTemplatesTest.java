package io.temporalcdc.indexer.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.schemas.ElasticsearchContracts;
import org.junit.jupiter.api.Test;

class IndexTemplatesTest {
    private static final IndexSettings INDEX = new IndexSettings("vis-abc", 2, 0, "1s");

    @Test
    void shouldFollowPrefixAndConfiguredSettingsWithoutLifecycle() {
        ObjectNode template = IndexTemplates.template(ElasticsearchContracts.indexTemplate(), INDEX, false);

        assertThat(template.path("index_patterns").toString()).isEqualTo("[\"vis-abc_*\"]");
        JsonNode settings = template.path("template").path("settings");
        assertThat(settings.path("number_of_shards").intValue()).isEqualTo(2);
        assertThat(settings.path("number_of_replicas").intValue()).isEqualTo(0);
        assertThat(settings.path("refresh_interval").asText()).isEqualTo("1s");
        assertThat(settings.path("index.codec").asText()).isEqualTo("best_compression");
        assertThat(settings.path("index.mapping.total_fields.limit").intValue()).isEqualTo(2000);
        assertThat(settings.path("index.max_result_window").intValue()).isEqualTo(10000);
        assertThat(settings.properties())
                .extracting(java.util.Map.Entry::getKey)
                .noneMatch(key -> key.contains("lifecycle"));
    }

    @Test
    void shouldNameSeedPolicyAndConfiguredAliasWhenLifecycleIsAvailable() {
        ObjectNode template = IndexTemplates.template(ElasticsearchContracts.indexTemplate(), INDEX, true);

        JsonNode settings = template.path("template").path("settings");
        assertThat(settings.path("index.lifecycle.name").asText()).isEqualTo(ElasticsearchContracts.ILM_POLICY_NAME);
        assertThat(settings.path("index.lifecycle.rollover_alias").asText()).isEqualTo("vis-abc");
    }

    @Test
    void shouldKeepTheSeedMappingUntouched() {
        ObjectNode template = IndexTemplates.template(ElasticsearchContracts.indexTemplate(), INDEX, true);

        assertThat((JsonNode) template.path("template").path("mappings")).isEqualTo(ElasticsearchContracts.mapping());
        assertThat(template.path("template").path("mappings").path("dynamic").asText())
                .isEqualTo("strict");
    }

    @Test
    void shouldNotChangeTheSeedItWasGiven() {
        ObjectNode seed = ElasticsearchContracts.indexTemplate();

        IndexTemplates.template(seed, INDEX, false);

        assertThat((JsonNode) seed).isEqualTo(ElasticsearchContracts.indexTemplate());
    }

    @Test
    void shouldNameFirstIndexSoRolloverCanNameItsSuccessors() {
        assertThat(INDEX.firstIndex()).isEqualTo("vis-abc_index-000001").matches(".*-\\d{6}$");
        assertThat(INDEX.alias()).isEqualTo("vis-abc");
        assertThat(INDEX.pattern()).isEqualTo("vis-abc_*");
    }
}
