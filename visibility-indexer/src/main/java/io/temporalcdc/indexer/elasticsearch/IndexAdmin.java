package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.elasticsearch.EsHttp.Reply;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The index and alias operations of the operators' tools (reindex, status): each call answers or throws an {@link
 * IllegalStateException} naming the request, the status and Elasticsearch's reason.
 */
public final class IndexAdmin {
    private static final int NOT_FOUND = 404;

    private final EsHttp http;

    public IndexAdmin(Rest5Client rest) {
        this.http = new EsHttp(rest);
    }

    /** The indices behind an alias. */
    public record AliasState(String alias, String writeIndex, List<String> indices) {}

    /** One concrete index with its document count and health. */
    public record IndexInfo(String name, long documents, String health) {}

    /** The settings a new index copies from the current write index. */
    public record IndexShape(int shards, int replicas, String refreshInterval) {}

    /** @return the indices behind {@code alias} and its write index, or null when no such alias exists */
    public AliasState alias(String alias) throws IOException {
        Reply reply = http.call("GET", "/_alias/" + alias, null);
        if (reply.status() == NOT_FOUND) {
            return null;
        }
        expectOk(reply);
        try {
            IndexRouter.Behind behind = IndexRouter.behind(alias, reply.body());
            List<String> all = new ArrayList<>(behind.older());
            all.add(behind.writeIndex());
            return new AliasState(alias, behind.writeIndex(), List.copyOf(all));
        } catch (IndexRouter.RoutingException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** @return shards, replicas and refresh interval of {@code index} */
    public IndexShape shape(String index) throws IOException {
        Reply reply = http.call("GET", "/" + index + "/_settings?flat_settings=true&include_defaults=true", null);
        expectOk(reply);
        JsonNode entry = reply.body().path(index);
        return new IndexShape(
                Integer.parseInt(setting(entry, "index.number_of_shards", "1")),
                Integer.parseInt(setting(entry, "index.number_of_replicas", "1")),
                setting(entry, "index.refresh_interval", "1s"));
    }

    private static String setting(JsonNode entry, String key, String fallback) {
        JsonNode value = entry.path("settings").path(key);
        if (value.isMissingNode()) {
            value = entry.path("defaults").path(key);
        }
        return value.isMissingNode() ? fallback : value.asText();
    }

    /** PUT {@code _index_template/<name>}. */
    public void putTemplate(String name, ObjectNode template) throws IOException {
        expectOk(http.call("PUT", "/_index_template/" + name, template));
    }

    /** Creates {@code index} (mappings and settings from the matching template) with these settings on top. */
    public void createIndex(String index, ObjectNode settings) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.set("settings", settings);
        expectOk(http.call("PUT", "/" + index, body));
    }

    /** PUT {@code <index>/_settings}. */
    public void updateSettings(String index, ObjectNode settings) throws IOException {
        expectOk(http.call("PUT", "/" + index + "/_settings", settings));
    }

    /** POST {@code <index>/_refresh}. */
    public void refresh(String index) throws IOException {
        expectOk(http.call("POST", "/" + index + "/_refresh", null));
    }

    /** @return the documents of an index or alias (after a refresh) */
    public long count(String index) throws IOException {
        refresh(index);
        Reply reply = http.call("GET", "/" + index + "/_count", null);
        expectOk(reply);
        return reply.body().path("count").asLong();
    }

    /**
     * Moves {@code alias} from {@code from} to {@code to} (its write index) in one {@code _aliases} request: a reader
     * of the alias sees either the old indices or the new one, never neither.
     */
    public void swapAlias(String alias, List<String> from, String to) throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode actions = body.putArray("actions");
        if (!from.isEmpty()) {
            ObjectNode remove = actions.addObject().putObject("remove");
            from.forEach(remove.putArray("indices")::add);
            remove.put("alias", alias);
        }
        actions.addObject()
                .putObject("add")
                .put("index", to)
                .put("alias", alias)
                .put("is_write_index", true);
        expectOk(http.call("POST", "/_aliases", body));
    }

    /** DELETE {@code index}. */
    public void deleteIndex(String index) throws IOException {
        expectOk(http.call("DELETE", "/" + index, null));
    }

    /** @return the concrete indices behind {@code alias} with their document counts, or empty when none */
    public List<IndexInfo> indices(String alias) throws IOException {
        Reply reply =
                http.call("GET", "/_cat/indices/" + alias + "?format=json&h=index,docs.count,health&s=index", null);
        if (reply.status() == NOT_FOUND) {
            return List.of();
        }
        expectOk(reply);
        List<IndexInfo> indices = new ArrayList<>();
        for (JsonNode row : reply.body()) {
            indices.add(new IndexInfo(
                    row.path("index").asText(),
                    row.path("docs.count").asLong(),
                    row.path("health").asText()));
        }
        return indices;
    }

    /** @return whether this cluster has ILM */
    public boolean hasIlm() throws IOException {
        Reply reply = http.call("GET", "/_ilm/status", null);
        return reply.ok();
    }

    private static void expectOk(Reply reply) {
        if (!reply.ok()) {
            throw new IllegalStateException(reply.describe());
        }
    }
}
