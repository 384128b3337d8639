package io.temporalcdc.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Kafka topic names, in one place. Change topics are named exactly as Debezium (embedded or in Kafka Connect) names
 * them for the same {@code topic.prefix}: {@code <prefix>.<schema>.<table>}.
 */
public final class Topics {
    /** The default {@code topic.prefix}. */
    public static final String DEFAULT_PREFIX = "temporal";
    /** Temporal's default store schema. */
    public static final String TEMPORAL_SCHEMA = "temporal";
    /** Temporal's visibility store schema. */
    public static final String VISIBILITY_SCHEMA = "temporal_visibility";
    /** The schemas captured by the CDC source, in this order. */
    public static final List<String> CAPTURED_SCHEMAS = List.of(TEMPORAL_SCHEMA, VISIBILITY_SCHEMA);
    /** The visibility table the pipeline indexes. */
    public static final String VISIBILITY_EXECUTIONS_TABLE = "executions";
    /** The visibility table of custom search attributes, joined into the documents. */
    public static final String CUSTOM_SEARCH_ATTRIBUTES_TABLE = "custom_search_attributes";
    /**
     * The header naming the region whose database a change was captured in (cdc-source's {@code region}; Kafka
     * Connect's {@code InsertHeader} transform in the Connect path), kept by MirrorMaker 2.
     */
    public static final String REGION_HEADER = "temporal-cdc.region";

    private Topics() {}

    /**
     * @return the change topic of one table: {@code prefix.schema.table}
     */
    public static String table(String prefix, String schema, String table) {
        return requireName(prefix, "prefix") + "." + requireName(schema, "schema") + "." + requireName(table, "table");
    }

    /**
     * @return {@code prefix.temporal_visibility.executions}, the topic the visibility indexer reads
     */
    public static String visibilityExecutions(String prefix) {
        return table(prefix, VISIBILITY_SCHEMA, VISIBILITY_EXECUTIONS_TABLE);
    }

    /** Temporal's SQL visibility table (the {@code temporal-v12} profile), in the visibility database. */
    public static final String TEMPORAL_VISIBILITY_TABLE = "executions_visibility";
    /** The schema Temporal's SQL visibility table is in by default (temporal-sql-tool's search_path). */
    public static final String TEMPORAL_VISIBILITY_DEFAULT_SCHEMA = "public";

    /**
     * @return {@code prefix.<schema>.executions_visibility}: Temporal's own SQL visibility table (the {@code
     *     temporal-v12} profile)
     */
    public static String temporalVisibility(String prefix, String schema) {
        return table(prefix, schema, TEMPORAL_VISIBILITY_TABLE);
    }

    /**
     * @return {@code prefix.temporal_visibility.custom_search_attributes}, joined into the visibility documents
     */
    public static String visibilityCustomSearchAttributes(String prefix) {
        return table(prefix, VISIBILITY_SCHEMA, CUSTOM_SEARCH_ATTRIBUTES_TABLE);
    }

    /**
     * @return the name MirrorMaker 2 (its default replication policy) gives {@code topic} of the cluster aliased
     *     {@code region} in another cluster: {@code region.topic}
     */
    public static String mirrored(String region, String topic) {
        return requireName(region, "region") + "." + requireName(topic, "topic");
    }

    /**
     * @return {@code prefix.replication-events}: cross-region's lag, divergence-opened and divergence-closed events,
     *     keyed by {@code schema.table/key}
     */
    public static String replicationEvents(String prefix) {
        return requireName(prefix, "prefix") + ".replication-events";
    }

    /**
     * @return {@code prefix.cross-region.dlq}, cross-region's dead-letter topic
     */
    public static String crossRegionDlq(String prefix) {
        return requireName(prefix, "prefix") + ".cross-region.dlq";
    }

    /**
     * @return {@code prefix.visibility.documents}: the visibility documents, keyed by document id, the external version
     *     in a header; compacted, so the index can always be rebuilt from it
     */
    public static String visibilityDocuments(String prefix) {
        return requireName(prefix, "prefix") + ".visibility.documents";
    }

    /**
     * @return {@code prefix.visibility-indexer.dlq}, the visibility indexer's dead-letter topic
     */
    public static String visibilityIndexerDlq(String prefix) {
        return requireName(prefix, "prefix") + ".visibility-indexer.dlq";
    }

    /**
     * @return {@code prefix.cache.invalidations}: the Redis keys to invalidate, keyed by the Redis key, the source
     *     commit time in a header; compacted, since only a key's latest invalidation matters
     */
    public static String cacheInvalidations(String prefix) {
        return requireName(prefix, "prefix") + ".cache.invalidations";
    }

    /**
     * @return the change topics the cache invalidator reads: those of {@link RedisKeys#WF_META_TABLES}, then that of
     *     {@link RedisKeys#TQ_INFO_TABLE}
     */
    public static List<String> cacheInvalidatorSources(String prefix) {
        List<String> topics = new ArrayList<>();
        RedisKeys.WF_META_TABLES.forEach(table -> topics.add(requireName(prefix, "prefix") + "." + table));
        topics.add(requireName(prefix, "prefix") + "." + RedisKeys.TQ_INFO_TABLE);
        return List.copyOf(topics);
    }

    /**
     * @return {@code prefix.workflow-metrics}: the metrics aggregator's rows, one per namespace, workflow type and UTC
     *     day of start_time, keyed {@code namespace/workflowType/YYYY-MM-DD}, the value the row's JSON (a tombstone
     *     when the day leaves the window); compacted
     */
    public static String workflowMetrics(String prefix) {
        return requireName(prefix, "prefix") + ".workflow-metrics";
    }

    /**
     * @return {@code prefix.metrics-aggregator.dlq}, the metrics aggregator's dead-letter topic
     */
    public static String metricsAggregatorDlq(String prefix) {
        return requireName(prefix, "prefix") + ".metrics-aggregator.dlq";
    }

    /**
     * @return {@code prefix.cache-invalidator.dlq}, the cache invalidator's dead-letter topic
     */
    public static String cacheInvalidatorDlq(String prefix) {
        return requireName(prefix, "prefix") + ".cache-invalidator.dlq";
    }

    private static String requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
        return value;
    }
}
