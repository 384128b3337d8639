package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.elasticsearch.ElasticsearchEsWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.net.ServerSocket;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The production writer against the real Elasticsearch: external versions, rejections, failures. */
class ElasticsearchEsWriterIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static EsConnection connection;
    private static EsTestClient es;
    private static IndexSettings index;
    private static ElasticsearchEsWriter writer;

    @BeforeAll
    static void install() throws Exception {
        String url = LocalStack.shared().elasticsearch().url();
        connection = EsConnection.open(List.of(URI.create(url)), null, null);
        es = new EsTestClient(url);
        index = new IndexSettings(Names.unique("writer"), 1, 0, "1s");
        new IndexInstaller(connection.rest(), index).install();
        writer = new ElasticsearchEsWriter(connection.client(), index.alias());
    }

    @AfterAll
    static void close() throws Exception {
        connection.close();
    }

    private static VisibilityDocument doc(String id, int status) {
        ObjectNode source =
                JSON.createObjectNode().put("WorkflowId", id).put("RunId", "r").put("ExecutionStatus", status);
        return new VisibilityDocument(id + "~r", source);
    }

    @Test
    void shouldApplyNewerVersionsAndIgnoreOlderOnes() {
        assertThat(writer.index(doc("a", 1), 10)).isEqualTo(WriteOutcome.APPLIED);
        assertThat(writer.index(doc("a", 2), 20)).isEqualTo(WriteOutcome.APPLIED);

        assertThat(writer.index(doc("a", 1), 10)).isEqualTo(WriteOutcome.STALE);
        assertThat(writer.index(doc("a", 2), 20)).isEqualTo(WriteOutcome.STALE);

        var stored = es.document(index.alias(), "a~r");
        assertThat(stored.path("_version").asLong()).isEqualTo(20);
        assertThat(stored.path("_source").path("ExecutionStatus").asInt()).isEqualTo(2);
    }

    @Test
    void shouldVersionDeletesSoOlderWritesCannotResurrect() {
        writer.index(doc("b", 1), 10);

        assertThat(writer.delete("b~r", 5)).isEqualTo(WriteOutcome.STALE);
        assertThat(writer.delete("b~r", 30)).isEqualTo(WriteOutcome.APPLIED);
        assertThat(writer.index(doc("b", 1), 10)).isEqualTo(WriteOutcome.STALE);

        assertThat(es.document(index.alias(), "b~r")).isNull();
    }

    @Test
    void shouldReportDeleteOfMissingDocument() {
        assertThat(writer.delete("never~r", 7)).isEqualTo(WriteOutcome.NOT_FOUND);
    }

    @Test
    void shouldRejectFieldsOutsideTheStrictMapping() {
        VisibilityDocument unknown = doc("c", 1);
        unknown.source().putObject("SearchAttributes").put("NotInTheMapping", "x");

        assertThatThrownBy(() -> writer.index(unknown, 1))
                .isInstanceOf(DocumentRejectedException.class)
                .satisfies(e -> assertThat(((DocumentRejectedException) e).errorType())
                        .isEqualTo("strict_dynamic_mapping_exception"));
    }

    @Test
    void shouldRejectValuesOfTheWrongType() {
        VisibilityDocument wrong = doc("d", 1);
        wrong.source().put("StartTime", "yesterday");

        assertThatThrownBy(() -> writer.index(wrong, 1))
                .isInstanceOf(DocumentRejectedException.class)
                .hasMessageContaining("StartTime");
    }

    @Test
    void shouldFailInsteadOfAutoCreatingAnIndexWhenTheAliasIsMissing() {
        ElasticsearchEsWriter noAlias = new ElasticsearchEsWriter(connection.client(), Names.unique("missing"));

        assertThatThrownBy(() -> noAlias.index(doc("e", 1), 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("404");
    }

    @Test
    void shouldReportUnreachableElasticsearchAsTransient() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (EsConnection down = EsConnection.open(List.of(URI.create("http://127.0.0.1:" + port)), null, null)) {
            ElasticsearchEsWriter unreachable = new ElasticsearchEsWriter(down.client(), "any");

            assertThatThrownBy(() -> unreachable.index(doc("f", 1), 1)).isInstanceOf(TransientWriteException.class);
        }
    }
}
