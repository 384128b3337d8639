package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.elasticsearch.EsHttp.Reply;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.io.IOException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Installs, at start-up, what the indexer writes into: the ILM policy (only where the cluster has ILM; the seed's,
 * made safe for rolled-over indices that still hold live runs by {@link IndexTemplates#lifecyclePolicy}), the
 * composable index template, and the first concrete index {@code <prefix>_index-000001} created together with
 * the write alias {@code <prefix>} ({@code is_write_index: true}). Idempotent, and safe when several instances
 * start at once: every step either is a PUT of the same content or tolerates "already exists". It refuses to
 * go on when a concrete index holds the alias's name (an index auto-created by an earlier, alias-less write).
 */
public final class IndexInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(IndexInstaller.class);
    /** Answers meaning "no such API": this cluster has no ILM (e.g. the integ-test distribution). */
    private static final Set<Integer> NO_HANDLER = Set.of(400, 404, 405, 410);

    private static final int NOT_FOUND = 404;

    private final EsHttp http;
    private final IndexSettings index;
    private final boolean lifecycleWanted;

    /** An installer that applies the seed's ILM policy where the cluster has ILM. */
    public IndexInstaller(Rest5Client rest, IndexSettings index) {
        this(rest, index, true);
    }

    /**
     * @param rest the low-level client
     * @param index the prefix and the settings of new indices
     * @param lifecycleWanted whether to use ILM where the cluster has it ({@code index.lifecycle.enabled})
     */
    public IndexInstaller(Rest5Client rest, IndexSettings index, boolean lifecycleWanted) {
        this.http = new EsHttp(rest);
        this.index = index;
        this.lifecycleWanted = lifecycleWanted;
    }

    /** What was found or done. */
    public record Installation(boolean lifecycle, boolean createdFirstIndex) {}

    /**
     * @return whether ILM is used and whether this call created the first index
     * @throws IllegalStateException when Elasticsearch refuses a step, or a concrete index has the alias's name
     */
    public Installation install() throws IOException {
        boolean lifecycle = lifecycleWanted && hasIlm();
        if (lifecycle) {
            expectOk(http.call(
                    "PUT",
                    "/_ilm/policy/" + ElasticsearchContracts.ILM_POLICY_NAME,
                    IndexTemplates.lifecyclePolicy(ElasticsearchContracts.ilmPolicy())));
        }
        ObjectNode template = IndexTemplates.template(ElasticsearchContracts.indexTemplate(), index, lifecycle);
        expectOk(http.call("PUT", "/_index_template/" + index.prefix(), template));
        boolean created = ensureWriteIndex();
        updateLiveIndex();
        LOG.info(
                "Elasticsearch index ready: alias {} (template {}, pattern {}, lifecycle {}{})",
                index.alias(),
                index.prefix(),
                index.pattern(),
                lifecycle ? "ILM " + ElasticsearchContracts.ILM_POLICY_NAME : "none",
                created ? ", created " + index.firstIndex() : "");
        return new Installation(lifecycle, created);
    }

    /**
     * Brings the indices behind the alias up to the configuration: the registered search attributes are added to
     * the mapping (allowed under {@code "dynamic": "strict"}; a conflicting type fails the start-up), and {@code
     * index.gc_deletes} is set when configured.
     */
    private void updateLiveIndex() throws IOException {
        if (!index.attributes().isEmpty()) {
            Reply reply =
                    http.call("PUT", "/" + index.alias() + "/_mapping", IndexTemplates.attributeMappingUpdate(index));
            if (!reply.ok()) {
                throw new IllegalStateException("cannot add the registered search attributes "
                        + index.attributes().keySet() + " to the mapping (search.attributes): " + reply.describe());
            }
        }
        if (index.gcDeletes() != null) {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            body.put(IndexTemplates.GC_DELETES, index.gcDeletes());
            expectOk(http.call("PUT", "/" + index.alias() + "/_settings", body));
        }
    }

    /** @return whether {@code GET _ilm/status} has a handler in this cluster */
    public boolean hasIlm() throws IOException {
        Reply reply = http.call("GET", "/_ilm/status", null);
        if (reply.ok()) {
            return true;
        }
        if (NO_HANDLER.contains(reply.status())) {
            LOG.info(
                    "Elasticsearch has no ILM ({}): lifecycle settings are left out of the template", reply.describe());
            return false;
        }
        throw new IllegalStateException("cannot tell whether Elasticsearch has ILM: " + reply.describe());
    }

    private boolean ensureWriteIndex() throws IOException {
        switch (resolveAlias()) {
            case ALIAS:
                return false;
            case CONCRETE_INDEX:
                throw new IllegalStateException(
                        "a concrete index named \"" + index.alias() + "\" exists where the write "
                                + "alias should be (probably auto-created by a write without the alias); delete it or reindex it "
                                + "into " + index.firstIndex() + ", or choose another index.prefix");
            default:
                return createFirstIndex();
        }
    }

    private boolean createFirstIndex() throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.putObject("aliases").putObject(index.alias()).put("is_write_index", true);
        Reply reply = http.call("PUT", "/" + index.firstIndex(), body);
        if (reply.ok()) {
            return true;
        }
        if (!"resource_already_exists_exception".equals(reply.errorType())) {
            throw new IllegalStateException("cannot create " + index.firstIndex() + ": " + reply.describe());
        }
        // Another instance created it, or an earlier run lost the alias: make sure the alias is there.
        if (resolveAlias() != Resolution.ALIAS) {
            addAlias();
        }
        return false;
    }

    private void addAlias() throws IOException {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode add = body.putArray("actions").addObject().putObject("add");
        add.put("index", index.firstIndex()).put("alias", index.alias()).put("is_write_index", true);
        expectOk(http.call("POST", "/_aliases", body));
        LOG.info("Added the missing write alias {} to {}", index.alias(), index.firstIndex());
    }

    private enum Resolution {
        ALIAS,
        CONCRETE_INDEX,
        NONE
    }

    private Resolution resolveAlias() throws IOException {
        Reply reply = http.call("GET", "/_resolve/index/" + index.alias(), null);
        if (reply.status() == NOT_FOUND) {
            return Resolution.NONE;
        }
        expectOk(reply);
        if (named(reply.body().path("aliases"))) {
            return Resolution.ALIAS;
        }
        return named(reply.body().path("indices")) ? Resolution.CONCRETE_INDEX : Resolution.NONE;
    }

    private boolean named(JsonNode entries) {
        for (JsonNode entry : entries) {
            if (index.alias().equals(entry.path("name").asText())) {
                return true;
            }
        }
        return false;
    }

    private static void expectOk(Reply reply) {
        if (!reply.ok()) {
            throw new IllegalStateException(reply.describe());
        }
    }
}
