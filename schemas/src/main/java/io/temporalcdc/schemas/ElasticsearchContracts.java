package io.temporalcdc.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;

/**
 * The seed's Elasticsearch contracts: the visibility index template and the ILM policy, exactly as the seed defines
 * them; and the index of Temporal's own Elasticsearch visibility (the {@code temporal} index profile). Callers get a fresh copy on every call and may change it (index pattern, shards, replicas, lifecycle).
 */
public final class ElasticsearchContracts {
    /** Default index prefix: the write alias is the prefix, the template pattern is {@code prefix + "_*"}. */
    public static final String DEFAULT_INDEX_PREFIX = "temporal_visibility_v1";
    /** The ILM policy name the template refers to. */
    public static final String ILM_POLICY_NAME = "temporal_visibility_policy";
    /** Classpath resource of the index template. */
    public static final String TEMPLATE_RESOURCE = "elasticsearch/temporal_visibility_template.json";
    /** Classpath resource of the ILM policy. */
    public static final String ILM_POLICY_RESOURCE = "elasticsearch/temporal_visibility_ilm_policy.json";

    /**
     * Classpath resource of the body ({@code settings}, {@code mappings}) of an index that Temporal's own
     * Elasticsearch visibility store reads: the settings and mapping of Temporal's visibility template v14 ({@code
     * schema/elasticsearch/visibility/versioned/v14}, Temporal server 1.31), written for temporal-cdc's {@code temporal}
     * index profile. Its {@code _meta} names the schema version.
     */
    public static final String TEMPORAL_INDEX_RESOURCE = "elasticsearch/temporal_v14_visibility_index.json";
    /** Temporal's visibility schema version the {@link #TEMPORAL_INDEX_RESOURCE} follows. */
    public static final String TEMPORAL_SCHEMA_VERSION = "v14";
    /** The default index name of Temporal's Elasticsearch visibility ({@code temporal_visibility_v1_<env>}). */
    public static final String TEMPORAL_DEFAULT_INDEX = "temporal_visibility_v1";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final ObjectNode TEMPLATE = load(TEMPLATE_RESOURCE);
    private static final ObjectNode ILM_POLICY = load(ILM_POLICY_RESOURCE);
    private static final ObjectNode TEMPORAL_INDEX = load(TEMPORAL_INDEX_RESOURCE);

    private ElasticsearchContracts() {}

    /** @return the seed's composable index template body (a fresh copy) */
    public static ObjectNode indexTemplate() {
        return TEMPLATE.deepCopy();
    }

    /** @return the seed's ILM policy body, {@code {"policy": {...}}} (a fresh copy) */
    public static ObjectNode ilmPolicy() {
        return ILM_POLICY.deepCopy();
    }

    /** @return the template's {@code template.mappings} block (a fresh copy) */
    public static ObjectNode mapping() {
        return (ObjectNode) TEMPLATE.path("template").path("mappings").deepCopy();
    }

    /** @return the body that creates an index Temporal's Elasticsearch visibility reads (a fresh copy) */
    public static ObjectNode temporalIndex() {
        return TEMPORAL_INDEX.deepCopy();
    }

    private static ObjectNode load(String resource) {
        try (InputStream in = ElasticsearchContracts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new SchemaException("classpath resource " + resource + " is missing", null);
            }
            JsonNode node = MAPPER.readTree(in);
            if (!(node instanceof ObjectNode object)) {
                throw new SchemaException(resource + " is not a JSON object", null);
            }
            return object;
        } catch (IOException e) {
            throw new SchemaException("cannot read " + resource, e);
        }
    }
}
