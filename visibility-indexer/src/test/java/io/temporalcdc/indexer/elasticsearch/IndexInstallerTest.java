package io.temporalcdc.indexer.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The installer's decisions against a scripted endpoint: the ILM path (no ILM-capable Elasticsearch runs here) and the error paths. */
class IndexInstallerTest {
    private static final String ACK = "{\"acknowledged\":true}";
    private static final String NO_ALIAS =
            "{\"error\":{\"type\":\"index_not_found_exception\",\"reason\":\"no such index [vis]\"},\"status\":404}";
    private static final IndexSettings INDEX = new IndexSettings("vis", 1, 0, "1s");

    private FakeElasticsearch es;
    private EsConnection connection;

    @BeforeEach
    void start() throws Exception {
        es = new FakeElasticsearch();
        connection = EsConnection.open(List.of(es.url()), null, null);
    }

    @AfterEach
    void stop() throws Exception {
        connection.close();
        es.close();
    }

    private IndexInstaller.Installation install() throws Exception {
        return new IndexInstaller(connection.rest(), INDEX).install();
    }

    @Test
    void shouldInstallPolicyAndLifecycleSettingsWhereClusterHasIlm() throws Exception {
        es.on("GET /_ilm/status", 200, "{\"operation_mode\":\"RUNNING\"}")
                .on("PUT /_ilm/policy/temporal_visibility_policy", 200, ACK)
                .on("PUT /_index_template/vis", 200, ACK)
                .on("GET /_resolve/index/vis", 404, NO_ALIAS)
                .on(
                        "PUT /vis_index-000001",
                        200,
                        "{\"acknowledged\":true,\"shards_acknowledged\":true,\"index\":\"vis_index-000001\"}");

        IndexInstaller.Installation installation = install();

        assertThat(installation).isEqualTo(new IndexInstaller.Installation(true, true));
        assertThat(es.lines())
                .containsExactly(
                        "GET /_ilm/status",
                        "PUT /_ilm/policy/temporal_visibility_policy",
                        "PUT /_index_template/vis",
                        "GET /_resolve/index/vis",
                        "PUT /vis_index-000001");
        JsonNode policy = es.bodyOf("PUT /_ilm/policy/temporal_visibility_policy");
        JsonNode phases = policy.path("policy").path("phases");
        assertThat(phases.has("delete"))
                .as("no delete phase: retention is the pipeline's")
                .isFalse();
        assertThat(phases.path("hot").path("actions").path("rollover"))
                .isEqualTo(ElasticsearchContracts.ilmPolicy()
                        .path("policy")
                        .path("phases")
                        .path("hot")
                        .path("actions")
                        .path("rollover"));
        assertThat(phases.path("warm").path("actions").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("set_priority", "allocate");
        assertThat(phases.path("cold").path("min_age").asText()).isEqualTo("30d");
        JsonNode settings =
                es.bodyOf("PUT /_index_template/vis").path("template").path("settings");
        assertThat(settings.path("index.lifecycle.name").asText()).isEqualTo("temporal_visibility_policy");
        assertThat(settings.path("index.lifecycle.rollover_alias").asText()).isEqualTo("vis");
        assertThat(es.bodyOf("PUT /vis_index-000001")
                        .path("aliases")
                        .path("vis")
                        .path("is_write_index")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void shouldNotTouchIlmWhenLifecycleIsDisabled() throws Exception {
        es.on("GET /_ilm/status", 200, "{\"operation_mode\":\"RUNNING\"}")
                .on("PUT /_index_template/vis", 200, ACK)
                .on("GET /_resolve/index/vis", 404, NO_ALIAS)
                .on("PUT /vis_index-000001", 200, ACK);

        IndexInstaller.Installation installation = new IndexInstaller(connection.rest(), INDEX, false).install();

        assertThat(installation.lifecycle()).isFalse();
        assertThat(es.lines())
                .containsExactly("PUT /_index_template/vis", "GET /_resolve/index/vis", "PUT /vis_index-000001");
        JsonNode settings =
                es.bodyOf("PUT /_index_template/vis").path("template").path("settings");
        assertThat(settings.has("index.lifecycle.name")).isFalse();
    }

    @Test
    void shouldLeaveLifecycleOutWhereIlmHasNoHandler() throws Exception {
        es.on("PUT /_index_template/vis", 200, ACK)
                .on("GET /_resolve/index/vis", 404, NO_ALIAS)
                .on("PUT /vis_index-000001", 200, ACK);

        IndexInstaller.Installation installation = install();

        assertThat(installation.lifecycle()).isFalse();
        assertThat(es.lines()).doesNotContain("PUT /_ilm/policy/temporal_visibility_policy");
        JsonNode settings =
                es.bodyOf("PUT /_index_template/vis").path("template").path("settings");
        assertThat(settings.has("index.lifecycle.name")).isFalse();
        assertThat(settings.has("index.lifecycle.rollover_alias")).isFalse();
    }

    @Test
    void shouldDoNothingMoreWhenTheAliasExists() throws Exception {
        es.on("PUT /_index_template/vis", 200, ACK)
                .on(
                        "GET /_resolve/index/vis",
                        200,
                        "{\"indices\":[],\"aliases\":[{\"name\":\"vis\",\"indices\":[\"vis_index-000002\"]}],\"data_streams\":[]}");

        IndexInstaller.Installation installation = install();

        assertThat(installation.createdFirstIndex()).isFalse();
        assertThat(es.lines()).doesNotContain("PUT /vis_index-000001");
    }

    @Test
    void shouldAddTheAliasWhenTheFirstIndexExistsWithoutIt() throws Exception {
        es.on("PUT /_index_template/vis", 200, ACK)
                .on("GET /_resolve/index/vis", 404, NO_ALIAS)
                .on(
                        "PUT /vis_index-000001",
                        400,
                        "{\"error\":{\"type\":\"resource_already_exists_exception\",\"reason\":\"index [vis_index-000001] already exists\"},\"status\":400}")
                .on("POST /_aliases", 200, ACK);

        install();

        assertThat(es.lines()).endsWith("PUT /vis_index-000001", "GET /_resolve/index/vis", "POST /_aliases");
        JsonNode add = es.bodyOf("POST /_aliases").path("actions").path(0).path("add");
        assertThat(add.path("index").asText()).isEqualTo("vis_index-000001");
        assertThat(add.path("alias").asText()).isEqualTo("vis");
        assertThat(add.path("is_write_index").asBoolean()).isTrue();
    }

    @Test
    void shouldRefuseAConcreteIndexNamedLikeTheAlias() {
        es.on("PUT /_index_template/vis", 200, ACK)
                .on(
                        "GET /_resolve/index/vis",
                        200,
                        "{\"indices\":[{\"name\":\"vis\",\"attributes\":[\"open\"]}],\"aliases\":[],\"data_streams\":[]}");

        assertThatThrownBy(this::install)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a concrete index named \"vis\" exists where the write alias should be");
        assertThat(es.lines()).doesNotContain("PUT /vis_index-000001");
    }

    @Test
    void shouldFailWithElasticsearchReasonWhenTemplateIsRefused() {
        es.on(
                "PUT /_index_template/vis",
                400,
                "{\"error\":{\"type\":\"illegal_argument_exception\",\"reason\":\"overlapping patterns\"},\"status\":400}");

        assertThatThrownBy(this::install)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("PUT /_index_template/vis answered 400 (illegal_argument_exception: overlapping patterns)");
    }

    @Test
    void shouldFailWhenIlmStatusIsForbidden() {
        es.on(
                "GET /_ilm/status",
                403,
                "{\"error\":{\"type\":\"security_exception\",\"reason\":\"unauthorized\"},\"status\":403}");

        assertThatThrownBy(this::install)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot tell whether Elasticsearch has ILM")
                .hasMessageContaining("security_exception");
    }
}
