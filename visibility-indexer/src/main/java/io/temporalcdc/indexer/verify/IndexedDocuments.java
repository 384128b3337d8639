package io.temporalcdc.indexer.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads every document behind an Elasticsearch alias (or index) with search_after paging, sorted on
 * WorkflowId and RunId, so any number of documents is read (not only the first 10000).
 */
public final class IndexedDocuments {

    private static final int PAGE = 2000;

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final String baseUrl;
    private final String authorization;

    /**
     * @param elasticsearchUrl e.g. {@code http://127.0.0.1:9200}
     * @param mapper the mapper both sides of a comparison parse with
     */
    public IndexedDocuments(String elasticsearchUrl, ObjectMapper mapper) {
        this(elasticsearchUrl, mapper, null, null);
    }

    /** With basic authentication when {@code username} is not null. */
    public IndexedDocuments(String elasticsearchUrl, ObjectMapper mapper, String username, String password) {
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        this.mapper = mapper;
        this.baseUrl = elasticsearchUrl.endsWith("/")
                ? elasticsearchUrl.substring(0, elasticsearchUrl.length() - 1)
                : elasticsearchUrl;
        this.authorization = username == null
                ? null
                : "Basic "
                        + java.util.Base64.getEncoder()
                                .encodeToString((username + ":" + (password == null ? "" : password))
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Every document's {@code _source} by {@code _id}; empty when the alias does not exist yet. */
    public Map<String, ObjectNode> load(String alias) throws IOException, InterruptedException {
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        if (send("POST", "/" + alias + "/_refresh", null).statusCode() == 404) {
            return documents;
        }
        ArrayNode searchAfter = null;
        while (true) {
            JsonNode hits = search(alias, searchAfter).path("hits").path("hits");
            for (JsonNode hit : hits) {
                documents.put(hit.path("_id").asText(), (ObjectNode) hit.path("_source"));
            }
            if (hits.size() < PAGE) {
                return documents;
            }
            searchAfter = (ArrayNode) hits.get(hits.size() - 1).path("sort");
        }
    }

    /** The {@code _source} of each of {@code ids} that exists in {@code index} (realtime), by {@code _id}. */
    public Map<String, ObjectNode> load(String index, java.util.Collection<String> ids)
            throws IOException, InterruptedException {
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return documents;
        }
        ObjectNode body = mapper.createObjectNode();
        ArrayNode list = body.putArray("ids");
        ids.forEach(list::add);
        HttpResponse<String> response = send("POST", "/" + index + "/_mget", mapper.writeValueAsString(body));
        if (response.statusCode() != 200) {
            throw new IOException("_mget of " + ids.size() + " documents in " + index + " failed: HTTP "
                    + response.statusCode() + " " + response.body());
        }
        for (JsonNode doc : mapper.readTree(response.body()).path("docs")) {
            if (doc.path("found").asBoolean()) {
                documents.put(doc.path("_id").asText(), (ObjectNode) doc.path("_source"));
            }
        }
        return documents;
    }

    /** The number of documents per {@code NamespaceId} in {@code index} (after a refresh). */
    public Map<String, Long> countsByNamespace(String index) throws IOException, InterruptedException {
        send("POST", "/" + index + "/_refresh", null);
        ObjectNode body = mapper.createObjectNode();
        body.put("size", 0);
        body.putObject("aggs")
                .putObject("namespaces")
                .putObject("terms")
                .put("field", "NamespaceId")
                .put("size", 65_536);
        HttpResponse<String> response = send("POST", "/" + index + "/_search", mapper.writeValueAsString(body));
        if (response.statusCode() != 200) {
            throw new IOException("counting " + index + " by namespace failed: HTTP " + response.statusCode() + " "
                    + response.body());
        }
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (JsonNode bucket : mapper.readTree(response.body())
                .path("aggregations")
                .path("namespaces")
                .path("buckets")) {
            counts.put(bucket.path("key").asText(), bucket.path("doc_count").asLong());
        }
        return counts;
    }

    /** One document's {@code _source}, or null when it does not exist. */
    public ObjectNode get(String alias, String id) throws IOException, InterruptedException {
        HttpResponse<String> response = send("GET", "/" + alias + "/_doc/" + encode(id), null);
        if (response.statusCode() == 404) {
            return null;
        }
        JsonNode body = mapper.readTree(response.body());
        return body.path("found").asBoolean() ? (ObjectNode) body.path("_source") : null;
    }

    /** The number of documents behind the alias (after a refresh), or 0 when it does not exist. */
    public long count(String alias) throws IOException, InterruptedException {
        send("POST", "/" + alias + "/_refresh", null);
        HttpResponse<String> response = send("GET", "/" + alias + "/_count", null);
        return response.statusCode() == 200
                ? mapper.readTree(response.body()).path("count").asLong()
                : 0;
    }

    private JsonNode search(String alias, ArrayNode searchAfter) throws IOException, InterruptedException {
        ObjectNode body = mapper.createObjectNode();
        body.put("size", PAGE);
        body.put("track_total_hits", false);
        ArrayNode sort = body.putArray("sort");
        sort.addObject().put("WorkflowId", "asc");
        sort.addObject().put("RunId", "asc");
        if (searchAfter != null) {
            body.set("search_after", searchAfter);
        }
        HttpResponse<String> response = send("POST", "/" + alias + "/_search", mapper.writeValueAsString(body));
        if (response.statusCode() != 200) {
            throw new IOException(
                    "search of " + alias + " failed: HTTP " + response.statusCode() + " " + response.body());
        }
        return mapper.readTree(response.body());
    }

    private HttpResponse<String> send(String method, String path, String json)
            throws IOException, InterruptedException {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30));
        request.header("Content-Type", "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String id) {
        return java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20");
    }
}
