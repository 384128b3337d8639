package io.temporalcdc.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plain HTTP to Elasticsearch: the ceiling's writes and the scenarios' counts, independent of the indexer's code. */
final class Es {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;

    Es(String url) {
        this.url = url;
    }

    /** Creates {@code index} with the seed's mapping and the settings the benchmarked indexer gets. */
    void createIndex(String index, int shards, int replicas, String refresh) throws IOException {
        ObjectNode template =
                (ObjectNode) ElasticsearchContracts.indexTemplate().get("template");
        ObjectNode body = JSON.createObjectNode();
        ObjectNode settings = body.putObject("settings");
        settings.put("number_of_shards", shards);
        settings.put("number_of_replicas", replicas);
        settings.put("refresh_interval", refresh);
        JsonNode seed = template.path("settings");
        settings.put("index.codec", seed.path("index.codec").asText("best_compression"));
        body.set("mappings", template.get("mappings"));
        expectOk(send("PUT", "/" + index, JSON.writeValueAsString(body), "application/json"));
    }

    /**
     * Writes the documents with {@code _bulk}, {@code batch} per request, {@code inFlight} requests at once, each
     * with an external version as the indexer sends it.
     *
     * @return the seconds it took
     */
    double bulk(String index, List<Map.Entry<String, ObjectNode>> docs, int batch, int inFlight) throws Exception {
        List<String> bodies = new ArrayList<>();
        for (int from = 0; from < docs.size(); from += batch) {
            StringBuilder body = new StringBuilder();
            for (int i = from; i < Math.min(docs.size(), from + batch); i++) {
                body.append("{\"index\":{\"_id\":")
                        .append(JSON.writeValueAsString(docs.get(i).getKey()))
                        .append(",\"version\":")
                        .append(i + 1)
                        .append(",\"version_type\":\"external\"}}\n")
                        .append(JSON.writeValueAsString(docs.get(i).getValue()))
                        .append('\n');
            }
            bodies.add(body.toString());
        }
        long start = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
        for (String body : bodies) {
            if (running.size() >= inFlight) {
                check(running.remove(0).join());
            }
            running.add(http.sendAsync(
                    request("POST", "/" + index + "/_bulk", body, "application/x-ndjson"),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var pending : running) {
            check(pending.join());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Writes {@code count} generated documents with {@code _bulk}, {@code batch} per request, {@code inFlight}
     * requests at once, each with an external version; the bodies are made as they are sent (a million documents do
     * not fit the bench's heap at once).
     *
     * @return the seconds it took
     */
    double bulkGenerated(
            String index,
            int count,
            int batch,
            int inFlight,
            java.util.function.IntFunction<String> id,
            java.util.function.IntFunction<byte[]> document)
            throws Exception {
        long start = System.nanoTime();
        List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> running = new ArrayList<>();
        for (int from = 0; from < count; from += batch) {
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream(batch * 512);
            for (int i = from; i < Math.min(count, from + batch); i++) {
                body.writeBytes(("{\"index\":{\"_id\":" + JSON.writeValueAsString(id.apply(i)) + ",\"version\":"
                                + (1_000L + i) + ",\"version_type\":\"external\"}}\n")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
                body.writeBytes(document.apply(i));
                body.write('\n');
            }
            if (running.size() >= inFlight) {
                check(running.remove(0).join());
            }
            running.add(http.sendAsync(
                    HttpRequest.newBuilder(URI.create(url + "/" + index + "/_bulk"))
                            .timeout(Duration.ofSeconds(120))
                            .header("Content-Type", "application/x-ndjson")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        for (var pending : running) {
            check(pending.join());
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Deletes {@code index}. */
    void delete(String index) throws IOException {
        expectOk(send("DELETE", "/" + index, null, null));
    }

    /** Documents visible to search (no refresh forced) of namespace {@code namespace}. */
    long countNamespace(String index, String namespace) throws IOException {
        String query = "{\"query\":{\"term\":{\"NamespaceId\":" + JSON.writeValueAsString(namespace) + "}}}";
        HttpResponse<String> response = send("POST", "/" + index + "/_count", query, "application/json");
        return response.statusCode() == 200
                ? JSON.readTree(response.body()).path("count").asLong()
                : -1;
    }

    /** Documents visible to search (no refresh forced). */
    long count(String index) throws IOException {
        HttpResponse<String> response = send("GET", "/" + index + "/_count", null, null);
        return response.statusCode() == 200
                ? JSON.readTree(response.body()).path("count").asLong()
                : -1;
    }

    private static void check(HttpResponse<String> response) {
        if (response.statusCode() != 200 || response.body().contains("\"errors\":true")) {
            throw new IllegalStateException("_bulk failed: " + response.statusCode() + " "
                    + response.body().substring(0, Math.min(500, response.body().length())));
        }
    }

    private static void expectOk(HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(response.statusCode() + " " + response.body());
        }
    }

    private HttpRequest request(String method, String path, String body, String type) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.method(method, HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", type);
        }
        return builder.build();
    }

    private HttpResponse<String> send(String method, String path, String body, String type) throws IOException {
        try {
            return http.send(request(method, path, body, type), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
