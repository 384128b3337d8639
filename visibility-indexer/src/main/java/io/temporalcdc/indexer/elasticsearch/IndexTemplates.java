package io.temporalcdc.indexer.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Turns the seed's index template into the one installed: the pattern follows the index prefix, shards,
 * replicas and refresh interval come from the configuration, and the lifecycle settings are present only
 * where the cluster has ILM (then naming the seed's policy and the configured alias). The mappings are never
 * touched. Pure.
 */
public final class IndexTemplates {
    static final String LIFECYCLE_NAME = "index.lifecycle.name";
    static final String LIFECYCLE_ROLLOVER_ALIAS = "index.lifecycle.rollover_alias";
    static final String GC_DELETES = "index.gc_deletes";

    private IndexTemplates() {}

    /**
     * What the installed template and indices look like.
     *
     * @param prefix the index prefix: write alias, template name, pattern {@code <prefix>_*}
     * @param shards primary shards
     * @param replicas replicas
     * @param refreshInterval refresh interval, e.g. {@code 5s}
     * @param gcDeletes how long Elasticsearch keeps the version of a deleted document ({@code index.gc_deletes}),
     *     or null for its default (60 s)
     * @param attributes mappings of registered search attributes the seed's mapping lacks, by name
     */
    public record IndexSettings(
            String prefix,
            int shards,
            int replicas,
            String refreshInterval,
            String gcDeletes,
            Map<String, ObjectNode> attributes) {
        public IndexSettings {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(refreshInterval, "refreshInterval");
            attributes = Map.copyOf(attributes);
        }

        /** Settings with Elasticsearch's {@code gc_deletes} and the seed's attributes only. */
        public IndexSettings(String prefix, int shards, int replicas, String refreshInterval) {
            this(prefix, shards, replicas, refreshInterval, null, Map.of());
        }

        /** @return the write alias (the prefix itself) */
        public String alias() {
            return prefix;
        }

        /** @return the template's index pattern */
        public String pattern() {
            return prefix + "_*";
        }

        /** @return the first concrete index; rollover names its successors -000002, ... */
        public String firstIndex() {
            return prefix + "_index-000001";
        }
    }

    /** @return the template body to PUT at {@code _index_template/<prefix>} */
    public static ObjectNode template(ObjectNode seedTemplate, IndexSettings index, boolean withLifecycle) {
        ObjectNode template = seedTemplate.deepCopy();
        template.putArray("index_patterns").add(index.pattern());
        ObjectNode settings = settingsOf(template);
        replace(settings, "number_of_shards", index.shards());
        replace(settings, "number_of_replicas", index.replicas());
        replace(settings, "refresh_interval", index.refreshInterval());
        removeLifecycle(settings);
        if (withLifecycle) {
            settings.put(LIFECYCLE_NAME, ElasticsearchContracts.ILM_POLICY_NAME);
            settings.put(LIFECYCLE_ROLLOVER_ALIAS, index.alias());
        }
        if (index.gcDeletes() != null) {
            settings.put(GC_DELETES, index.gcDeletes());
        }
        ObjectNode attributes = attributeProperties(template);
        index.attributes().forEach((name, mapping) -> {
            if (!attributes.has(name)) {
                attributes.set(name, mapping);
            }
        });
        return template;
    }

    /**
     * ILM actions that make an index read-only or remove it. A rolled-over index still takes the updates and deletes
     * of its runs (a workflow that closes weeks after it started, the pipeline's retention deletes), so none of these
     * may run on it.
     */
    static final List<String> UNSAFE_LIFECYCLE_ACTIONS =
            List.of("delete", "forcemerge", "shrink", "readonly", "freeze", "searchable_snapshot", "downsample");

    /**
     * The lifecycle policy installed: the seed's phases (rollover at 7 d / 5 GB, priorities, replicas) without the
     * actions that would break a rolled-over index that still holds live runs: the delete phase (retention is the
     * pipeline's: PostgreSQL's retention deletes the rows, and their deletes remove the documents) and every action
     * that makes an index read-only ({@link #UNSAFE_LIFECYCLE_ACTIONS}). Pure.
     *
     * @return the policy body to PUT at {@code _ilm/policy/<name>}
     */
    public static ObjectNode lifecyclePolicy(ObjectNode seedPolicy) {
        ObjectNode policy = seedPolicy.deepCopy();
        JsonNode phases = policy.path("policy").path("phases");
        if (!phases.isObject()) {
            throw new IllegalArgumentException("the seed ILM policy has no policy.phases object");
        }
        ((ObjectNode) phases).remove("delete");
        phases.forEach(phase -> {
            JsonNode actions = phase.path("actions");
            if (actions.isObject()) {
                ((ObjectNode) actions).remove(UNSAFE_LIFECYCLE_ACTIONS);
            }
        });
        return policy;
    }

    /** @return the mapping update that adds the registered attributes: {@code PUT <alias>/_mapping} */
    public static ObjectNode attributeMappingUpdate(IndexSettings index) {
        ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        ObjectNode properties =
                body.putObject("properties").putObject("SearchAttributes").putObject("properties");
        index.attributes().forEach(properties::set);
        return body;
    }

    private static ObjectNode attributeProperties(ObjectNode template) {
        JsonNode attributes = template.path("template")
                .path("mappings")
                .path("properties")
                .path("SearchAttributes")
                .path("properties");
        if (!attributes.isObject()) {
            throw new IllegalArgumentException("the seed template has no SearchAttributes properties");
        }
        return (ObjectNode) attributes;
    }

    private static ObjectNode settingsOf(ObjectNode template) {
        JsonNode inner = template.path("template");
        if (!inner.isObject()) {
            throw new IllegalArgumentException("the seed template has no \"template\" object");
        }
        JsonNode settings = inner.path("settings");
        return settings.isObject() ? (ObjectNode) settings : ((ObjectNode) inner).putObject("settings");
    }

    /** Sets {@code key}, keeping the seed's spelling ({@code key} or {@code index.key}) when present. */
    private static void replace(ObjectNode settings, String key, Object value) {
        String spelled = settings.has("index." + key) ? "index." + key : key;
        settings.remove(spelled.equals(key) ? "index." + key : key);
        if (value instanceof Integer number) {
            settings.put(spelled, number);
        } else {
            settings.put(spelled, String.valueOf(value));
        }
    }

    private static void removeLifecycle(ObjectNode settings) {
        List<String> lifecycle = new ArrayList<>();
        settings.fieldNames().forEachRemaining(name -> {
            if (name.startsWith("index.lifecycle.") || name.startsWith("lifecycle.")) {
                lifecycle.add(name);
            }
        });
        settings.remove(lifecycle);
        JsonNode nested = settings.path("index");
        if (nested.isObject()) {
            ((ObjectNode) nested).remove("lifecycle");
        }
    }
}
