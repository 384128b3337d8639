package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/** Plain HTTP to Elasticsearch for assertions: independent of the client the production code uses. */
final class EsTestClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One answer: status, raw body, parsed body. */
    record Answer(int status, String raw, JsonNode json) {}

    private final HttpClient http = HttpClient.newHttpClient();
    private final String baseUrl;

    EsTestClient(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    Answer put(String path, String body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    Answer post(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType));
    }

    /** The stored document, or null when Elasticsearch has none with this id. */
    JsonNode document(String index, String id) {
        Answer answer = get("/" + index + "/_doc/" + encode(id));
        return answer.status() == 404 ? null : answer.json();
    }

    /** The exact {@code _source} bytes as stored (as text), or null. */
    String rawSource(String index, String id) {
        Answer answer = get("/" + index + "/_source/" + encode(id));
        return answer.status() == 404 ? null : answer.raw();
    }

    /** Every document of {@code index} (at most 10,000, after a refresh): id → its {@code HistoryLength}. */
    java.util.Map<String, Long> historyLengths(String index) {
        post("/" + index + "/_refresh", "", "application/json");
        java.util.Map<String, Long> indexed = new java.util.HashMap<>();
        get("/" + index + "/_search?size=10000&_source=HistoryLength")
                .json()
                .path("hits")
                .path("hits")
                .forEach(hit -> indexed.put(
                        hit.path("_id").asText(),
                        hit.path("_source").path("HistoryLength").asLong()));
        return indexed;
    }

    static String encode(String id) {
        return java.net.URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = body == null || body.isBlank() ? MissingNode.getInstance() : JSON.readTree(body);
            return new Answer(response.statusCode(), body, json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
