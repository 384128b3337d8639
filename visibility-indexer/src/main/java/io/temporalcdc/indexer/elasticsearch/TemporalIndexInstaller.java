package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.elasticsearch.EsHttp.Reply;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares, at start-up, the index of the {@code temporal} profile: the index Temporal's own Elasticsearch visibility
 * reads ({@code visibilityStore: es-visibility}, {@code indices.visibility: <name>}). Missing, it is created from
 * {@link ElasticsearchContracts#temporalIndex()} (Temporal's visibility schema v14: its settings, index sort and
 * mapping); present (created by Temporal's own tooling or an earlier run), it is checked to be a Temporal visibility
 * index (its key fields). Then the schema's fields (an index made from an older schema gets the newer ones) and the
 * custom search attributes are added to its mapping by type, as Temporal's {@code AddSearchAttributes} does, before any
 * document carries them; a field of another type fails the start-up with Elasticsearch's reason. Idempotent; safe when several instances start at once.
 */
public final class TemporalIndexInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(TemporalIndexInstaller.class);
    private static final int NOT_FOUND = 404;

    private final EsHttp http;
    private final Settings settings;
    /** Whether the cluster has {@code scaled_float} (the integ-test distribution lacks it). */
    private boolean scaledFloat = true;

    /**
     * The index and what the operator set.
     *
     * @param index the concrete index name
     * @param shards primary shards of a new index; null keeps the schema's (1)
     * @param replicas replicas of a new index; null keeps the schema's ({@code auto_expand_replicas: 0-2})
     * @param refreshInterval refresh interval of a new index; null keeps Elasticsearch's
     * @param gcDeletes {@code index.gc_deletes}; null keeps Elasticsearch's (60s)
     * @param attributes custom attribute → mapping, added to the mapping
     */
    public record Settings(
            String index,
            Integer shards,
            Integer replicas,
            String refreshInterval,
            String gcDeletes,
            Map<String, ObjectNode> attributes) {
        public Settings {
            Objects.requireNonNull(index, "index");
            attributes = Map.copyOf(attributes);
        }
    }

    public TemporalIndexInstaller(Rest5Client rest, Settings settings) {
        this.http = new EsHttp(rest);
        this.settings = settings;
    }

    /**
     * @return whether this call created the index
     * @throws IllegalStateException when Elasticsearch refuses a step, or the index is not a Temporal visibility index
     */
    public boolean install() throws IOException {
        boolean created = false;
        Reply existing = http.call("GET", "/" + settings.index() + "/_mapping", null);
        if (existing.status() == NOT_FOUND) {
            created = create();
            // an index template of the cluster matching the name may have changed what was asked for
            existing = http.call("GET", "/" + settings.index() + "/_mapping", null);
        }
        if (!existing.ok()) {
            throw new IllegalStateException(
                    "cannot read the mapping of " + settings.index() + ": " + existing.describe());
        }
        checkTemporal(existing.body());
        // the schema's fields (an index made from an older schema gets the newer ones) and the custom attributes
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode properties = body.putObject("properties");
        properties.setAll((ObjectNode)
                ElasticsearchContracts.temporalIndex().path("mappings").path("properties"));
        settings.attributes().forEach(properties::set);
        if (!scaledFloat) {
            doubleForScaledFloat(properties);
        }
        Reply reply = http.call("PUT", "/" + settings.index() + "/_mapping", body);
        if (!reply.ok() && lacksScaledFloat(reply)) {
            doubleForScaledFloat(properties);
            reply = http.call("PUT", "/" + settings.index() + "/_mapping", body);
        }
        if (!reply.ok()) {
            throw new IllegalStateException("cannot add the fields of Temporal's schema "
                    + ElasticsearchContracts.TEMPORAL_SCHEMA_VERSION + " and the custom search attributes to "
                    + settings.index() + " (a field with another type?): " + reply.describe());
        }
        if (settings.gcDeletes() != null) {
            ObjectNode gcDeletes = JsonNodeFactory.instance.objectNode();
            gcDeletes.put(IndexTemplates.GC_DELETES, settings.gcDeletes());
            Reply changed = http.call("PUT", "/" + settings.index() + "/_settings", gcDeletes);
            if (!changed.ok()) {
                throw new IllegalStateException(changed.describe());
            }
        }
        LOG.info(
                "Temporal visibility index {} ready (schema {}{}; {} custom search attributes mapped)",
                settings.index(),
                ElasticsearchContracts.TEMPORAL_SCHEMA_VERSION,
                created ? ", created" : ", found",
                settings.attributes().size());
        return created;
    }

    private boolean create() throws IOException {
        ObjectNode body = ElasticsearchContracts.temporalIndex();
        ObjectNode index = body.with("settings").with("index");
        if (settings.shards() != null) {
            index.put("number_of_shards", settings.shards());
        }
        if (settings.replicas() != null) {
            index.remove("auto_expand_replicas");
            index.put("number_of_replicas", settings.replicas());
        }
        if (settings.refreshInterval() != null) {
            index.put("refresh_interval", settings.refreshInterval());
        }
        Reply reply = http.call("PUT", "/" + settings.index(), body);
        if (!reply.ok() && lacksScaledFloat(reply)) {
            LOG.warn(
                    "This Elasticsearch has no scaled_float (its mapper-extras module is missing, as in the"
                            + " integ-test distribution): the Double fields of {} are mapped as double. Temporal reads"
                            + " them alike; every distribution users run has scaled_float",
                    settings.index());
            scaledFloat = false;
            doubleForScaledFloat(body.path("mappings").path("properties"));
            reply = http.call("PUT", "/" + settings.index(), body);
        }
        if (reply.ok()) {
            return true;
        }
        if ("resource_already_exists_exception".equals(reply.errorType())) {
            return false; // another instance created it
        }
        throw new IllegalStateException("cannot create " + settings.index() + ": " + reply.describe());
    }

    private static boolean lacksScaledFloat(Reply reply) {
        return "mapper_parsing_exception".equals(reply.errorType())
                && reply.body().path("error").path("reason").asText().contains("[scaled_float]");
    }

    /** Maps every {@code scaled_float} field of {@code properties} as {@code double} instead. */
    private static void doubleForScaledFloat(JsonNode properties) {
        properties.forEach(mapping -> {
            if (mapping instanceof ObjectNode field
                    && "scaled_float".equals(field.path("type").asText())) {
                field.put("type", "double");
                field.remove("scaling_factor");
            }
        });
    }

    /** Refuses an index whose mapping is not Temporal's (e.g. the seed profile's, or one made by a stray write). */
    private void checkTemporal(JsonNode answer) {
        for (JsonNode index : answer) {
            JsonNode properties = index.path("mappings").path("properties");
            boolean temporal = "keyword"
                            .equals(properties
                                    .path("ExecutionStatus")
                                    .path("type")
                                    .asText())
                    && "keyword"
                            .equals(properties.path("NamespaceId").path("type").asText())
                    && "date_nanos"
                            .equals(properties.path("StartTime").path("type").asText());
            if (!temporal) {
                throw new IllegalStateException("index " + settings.index() + " exists but is not a Temporal visibility"
                        + " index (ExecutionStatus keyword, NamespaceId keyword, StartTime date_nanos): choose another"
                        + " temporal.index.name, or delete it and let the indexer create it");
            }
        }
    }
}
