package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.indexer.elasticsearch.TemporalIndexInstaller;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The index installation against the real Elasticsearch of the stack (which has no ILM). */
class IndexInstallerIT {
    private static EsConnection connection;
    private static EsTestClient es;

    @BeforeAll
    static void connect() {
        String url = LocalStack.shared().elasticsearch().url();
        connection = EsConnection.open(List.of(URI.create(url)), null, null);
        es = new EsTestClient(url);
    }

    @AfterAll
    static void disconnect() throws Exception {
        connection.close();
    }

    private static IndexSettings fresh() {
        return new IndexSettings(Names.unique("inst"), 1, 0, "1s");
    }

    private static IndexInstaller.Installation install(IndexSettings index) throws Exception {
        return new IndexInstaller(connection.rest(), index).install();
    }

    @Test
    void shouldInstallTemplateFirstIndexAndWriteAliasWithoutLifecycle() throws Exception {
        IndexSettings index = fresh();

        IndexInstaller.Installation installation = install(index);

        assertThat(installation).isEqualTo(new IndexInstaller.Installation(false, true));
        JsonNode template = es.get("/_index_template/" + index.prefix())
                .json()
                .path("index_templates")
                .path(0)
                .path("index_template");
        assertThat(template.path("index_patterns").toString()).isEqualTo("[\"" + index.prefix() + "_*\"]");
        JsonNode settings = template.path("template").path("settings").path("index");
        assertThat(settings.path("number_of_replicas").asText()).isEqualTo("0");
        assertThat(settings.has("lifecycle")).isFalse();
        JsonNode alias = es.get("/_alias/" + index.alias()).json();
        assertThat(alias.fieldNames()).toIterable().containsExactly(index.firstIndex());
        assertThat(alias.path(index.firstIndex())
                        .path("aliases")
                        .path(index.alias())
                        .path("is_write_index")
                        .asBoolean())
                .isTrue();
        JsonNode created = es.get("/" + index.firstIndex() + "/_settings")
                .json()
                .path(index.firstIndex())
                .path("settings")
                .path("index");
        assertThat(created.path("codec").asText()).isEqualTo("best_compression");
        assertThat(created.path("refresh_interval").asText()).isEqualTo("1s");
    }

    @Test
    void shouldBeIdempotent() throws Exception {
        IndexSettings index = fresh();
        install(index);

        IndexInstaller.Installation again = install(index);

        assertThat(again.createdFirstIndex()).isFalse();
        assertThat(es.get("/_alias/" + index.alias()).json().size()).isEqualTo(1);
    }

    @Test
    void shouldLetTwoInstancesStartingTogetherBothSucceed() throws Exception {
        IndexSettings index = fresh();
        CyclicBarrier together = new CyclicBarrier(2);
        Callable<IndexInstaller.Installation> instance = () -> {
            try (EsConnection own = EsConnection.open(
                    List.of(URI.create(LocalStack.shared().elasticsearch().url())), null, null)) {
                together.await();
                return new IndexInstaller(own.rest(), index).install();
            }
        };
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<IndexInstaller.Installation> first = pool.submit(instance);
            Future<IndexInstaller.Installation> second = pool.submit(instance);

            List<IndexInstaller.Installation> results = List.of(first.get(), second.get());

            assertThat(results)
                    .filteredOn(IndexInstaller.Installation::createdFirstIndex)
                    .hasSize(1);
            assertThat(isWriteIndexOfAlias(index)).isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldRestoreTheWriteAliasWhenTheFirstIndexLostIt() throws Exception {
        IndexSettings index = fresh();
        install(index);
        assertThat(es.post(
                                "/_aliases",
                                "{\"actions\":[{\"remove\":{\"index\":\"" + index.firstIndex() + "\",\"alias\":\""
                                        + index.alias() + "\"}}]}",
                                "application/json")
                        .status())
                .isEqualTo(200);

        install(index);

        assertThat(isWriteIndexOfAlias(index)).isTrue();
    }

    @Test
    void shouldRefuseAConcreteIndexNamedLikeTheAlias() {
        IndexSettings index = fresh();
        assertThat(es.put("/" + index.alias(), "{}").status()).isEqualTo(200);

        assertThatThrownBy(() -> install(index))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a concrete index named \"" + index.alias() + "\" exists");
    }

    @Test
    void shouldDetectThatThisDistributionHasNoIlm() throws Exception {
        assertThat(new IndexInstaller(connection.rest(), fresh()).hasIlm()).isFalse();
    }

    private boolean isWriteIndexOfAlias(IndexSettings index) {
        return es.get("/_alias/" + index.alias())
                .json()
                .path(index.firstIndex())
                .path("aliases")
                .path(index.alias())
                .path("is_write_index")
                .asBoolean();
    }

    @Test
    void shouldBringAnOlderTemporalIndexUpToSchemaV14AndRefuseAnIndexThatIsNotTemporals() throws Exception {
        // made by an older schema (or Temporal's own tooling): the key fields only
        String older = Names.unique("temporal_visibility_v1_old");
        assertThat(es.put(
                                "/" + older,
                                "{\"mappings\":{\"dynamic\":\"false\",\"properties\":{\"NamespaceId\":{\"type\":\"keyword\"},"
                                        + "\"ExecutionStatus\":{\"type\":\"keyword\"},\"StartTime\":{\"type\":\"date_nanos\"}}}}")
                        .status())
                .isEqualTo(200);
        TemporalIndexInstaller.Settings settings = new TemporalIndexInstaller.Settings(
                older, null, null, null, null, Map.of("Keyword01", SearchAttributeType.KEYWORD.temporalMapping()));

        assertThat(new TemporalIndexInstaller(connection.rest(), settings).install())
                .isFalse();

        JsonNode properties = es.get("/" + older + "/_mapping")
                .json()
                .path(older)
                .path("mappings")
                .path("properties");
        assertThat(properties.path("BuildIds").path("type").asText()).isEqualTo("keyword");
        assertThat(properties.path("TemporalExternalPayloadCount").path("type").asText())
                .isEqualTo("long");
        assertThat(properties.path("Keyword01").path("type").asText()).isEqualTo("keyword");

        // the seed's index is not Temporal's: refused with the reason
        IndexSettings seed = fresh();
        install(seed);
        TemporalIndexInstaller.Settings onSeed =
                new TemporalIndexInstaller.Settings(seed.firstIndex(), null, null, null, null, Map.of());
        assertThatThrownBy(() -> new TemporalIndexInstaller(connection.rest(), onSeed).install())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is not a Temporal visibility index");
    }
}
