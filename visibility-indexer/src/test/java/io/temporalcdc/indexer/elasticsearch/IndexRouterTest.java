package io.temporalcdc.indexer.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.util.List;
import org.junit.jupiter.api.Test;

class IndexRouterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void shouldNameTheWriteIndexAndTheOlderOnes() throws Exception {
        IndexRouter.Behind behind = IndexRouter.behind(
                "v",
                json("{'v_index-000003':{'aliases':{'v':{'is_write_index':true}}},"
                        + "'v_index-000001':{'aliases':{'v':{'is_write_index':false}}},"
                        + "'v_index-000002':{'aliases':{'v':{}, 'other':{}}}}"));

        assertThat(behind.writeIndex()).isEqualTo("v_index-000003");
        assertThat(behind.older()).containsExactly("v_index-000001", "v_index-000002");
    }

    @Test
    void shouldTakeASingleIndexAsTheWriteIndex() throws Exception {
        IndexRouter.Behind behind = IndexRouter.behind("v", json("{'v_index-000001':{'aliases':{'v':{}}}}"));

        assertThat(behind).isEqualTo(new IndexRouter.Behind("v_index-000001", List.of()));
    }

    @Test
    void shouldRefuseSeveralIndicesWithoutAWriteIndex() throws Exception {
        assertThatThrownBy(
                        () -> IndexRouter.behind("v", json("{'a_1':{'aliases':{'v':{}}},'a_2':{'aliases':{'v':{}}}}")))
                .isInstanceOfSatisfying(
                        IndexRouter.RoutingException.class,
                        e -> assertThat(e.isTransient()).isFalse())
                .hasMessageContaining("none is its write index");
    }

    @Test
    void shouldLeaveOutTheDeletePhaseAndEveryReadOnlyAction() {
        JsonNode policy = IndexTemplates.lifecyclePolicy(ElasticsearchContracts.ilmPolicy());

        JsonNode phases = policy.path("policy").path("phases");
        assertThat(phases.fieldNames()).toIterable().containsExactly("hot", "warm", "cold");
        phases.forEach(phase -> assertThat(phase.path("actions").fieldNames())
                .toIterable()
                .doesNotContainAnyElementsOf(IndexTemplates.UNSAFE_LIFECYCLE_ACTIONS));
        assertThat(phases.path("hot")
                        .path("actions")
                        .path("rollover")
                        .path("max_age")
                        .asText())
                .isEqualTo("7d");
    }
}
