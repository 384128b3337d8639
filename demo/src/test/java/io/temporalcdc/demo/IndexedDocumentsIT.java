package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The comparator reads every document of an index, well beyond Elasticsearch's 10000-hit window. */
class IndexedDocumentsIT {

    private static final int DOCUMENTS = 10_500;

    private final String url = LocalStack.shared().elasticsearch().url();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldReadMoreThanTenThousandDocuments() throws Exception {
        String index = Names.unique("paging");
        send(
                "PUT",
                "/" + index,
                "{\"settings\":{\"number_of_shards\":2,\"number_of_replicas\":0},\"mappings\":"
                        + "{\"properties\":{\"WorkflowId\":{\"type\":\"keyword\"},\"RunId\":{\"type\":\"keyword\"}}}}");
        bulkIndex(index);

        Map<String, ObjectNode> documents = new IndexedDocuments(url, VisibilityComparator.MAPPER).load(index);

        assertThat(documents).hasSize(DOCUMENTS);
        assertThat(documents.get("wf-10499~run-10499").get("WorkflowId").asText())
                .isEqualTo("wf-10499");
        assertThat(new IndexedDocuments(url, VisibilityComparator.MAPPER).count(index))
                .isEqualTo(DOCUMENTS);
    }

    @Test
    void shouldFindNoDocumentsBehindAMissingAlias() throws Exception {
        assertThat(new IndexedDocuments(url, VisibilityComparator.MAPPER).load(Names.unique("absent")))
                .isEmpty();
    }

    private void bulkIndex(String index) throws Exception {
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < DOCUMENTS; i++) {
            bulk.append("{\"index\":{\"_id\":\"wf-")
                    .append(i)
                    .append("~run-")
                    .append(i)
                    .append("\"}}\n")
                    .append("{\"WorkflowId\":\"wf-")
                    .append(i)
                    .append("\",\"RunId\":\"run-")
                    .append(i)
                    .append("\"}\n");
        }
        HttpResponse<String> response = send("POST", "/" + index + "/_bulk?refresh=true", bulk.toString());
        assertThat(response.body()).contains("\"errors\":false");
    }

    private HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url + path))
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
        return response;
    }
}
