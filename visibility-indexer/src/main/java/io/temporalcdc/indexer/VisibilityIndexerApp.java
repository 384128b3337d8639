package io.temporalcdc.indexer;

import io.temporalcdc.indexer.elasticsearch.BulkWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexRouter;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.indexer.elasticsearch.TemporalIndexInstaller;
import io.temporalcdc.indexer.temporal.TemporalAttributes;
import io.temporalcdc.runtime.App;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.KafkaTopics;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.runtime.sink.AcknowledgingSink;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.runtime.streams.StreamsWithSink;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visibility indexer deployable, in two parts that share nothing but topics: the {@link
 * VisibilityIndexerTopology} in Kafka Streams (change topics → documents topic) and an {@link AcknowledgingSink}
 * with a {@link BulkWriter} (documents topic → Elasticsearch {@code _bulk}, offsets committed only past what
 * Elasticsearch acknowledged). Ready (for {@code /health}) while Kafka Streams is RUNNING and the sink's writes
 * succeed; either part failing for good stops the app with exit code 1, and the restart resumes from the committed
 * offsets.
 */
public final class VisibilityIndexerApp {
    /** Default port of {@code /health} and {@code /metrics}. */
    public static final int DEFAULT_HTTP_PORT = 8082;

    private static final Logger LOG = LoggerFactory.getLogger(VisibilityIndexerApp.class);
    private static final Duration KAFKA_PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SINK_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** How long the documents topic keeps a tombstone: the longest the sink may lag without missing a delete. */
    static final Duration DOCUMENT_TOMBSTONE_RETENTION = Duration.ofDays(7);

    private VisibilityIndexerApp() {}

    public static void main(String[] args) {
        App.run(
                "visibility-indexer",
                args,
                VisibilityIndexerConfig.DEF,
                DEFAULT_HTTP_PORT,
                VisibilityIndexerApp::start);
    }

    /** The {@link App.Starter}: returns what closes the running indexer. */
    public static AutoCloseable start(Map<String, String> settings, AppContext ctx) throws Exception {
        VisibilityIndexerConfig config = new VisibilityIndexerConfig(settings);
        Preflight.kafka(
                VisibilityIndexerConfig.KAFKA_BOOTSTRAP_SERVERS,
                config.kafkaClientProperties(),
                KAFKA_PREFLIGHT_TIMEOUT);
        EsConnection es = EsConnection.open(
                config.elasticsearchUrls(),
                config.getString(VisibilityIndexerConfig.ELASTICSEARCH_USERNAME),
                config.elasticsearchPassword());
        try {
            return startWith(config, es, ctx);
        } catch (Exception | Error e) {
            es.close();
            throw e;
        }
    }

    private static AutoCloseable startWith(VisibilityIndexerConfig config, EsConnection es, AppContext ctx) {
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        Preflight.check(
                VisibilityIndexerConfig.ELASTICSEARCH_URL,
                "Elasticsearch at " + config.elasticsearchUrls() + " (GET _cluster/health)",
                () -> es.client().cluster().health());
        Preflight.check(VisibilityIndexerConfig.TOPIC_PREFIX, "preparing the topics", () -> {
            KafkaTopics.ensure(config.kafkaClientProperties(), topics(config));
            return null;
        });
        Topology topology;
        IndexRouter router;
        if (config.temporalProfile()) {
            // Temporal's executions_visibility into the index Temporal's own Elasticsearch visibility reads
            List<String> ignored = SEED_ONLY_KEYS.stream().filter(config::isSet).toList();
            if (!ignored.isEmpty()) {
                LOG.warn("{} belong to the seed profile and do nothing with source.profile=temporal-v12", ignored);
            }
            String schema = config.getString(VisibilityIndexerConfig.VISIBILITY_SCHEMA);
            String indexName = config.getString(VisibilityIndexerConfig.TEMPORAL_INDEX_NAME);
            Preflight.check(
                    VisibilityIndexerConfig.TEMPORAL_INDEX_NAME,
                    "installing the Temporal visibility index " + indexName,
                    () -> new TemporalIndexInstaller(es.rest(), temporalIndexSettings(config)).install());
            topology = TemporalVisibilityTopology.build(
                    new TemporalVisibilityTopology.Settings(
                            prefix,
                            schema,
                            config.temporalAttributes(),
                            config.getInt(VisibilityIndexerConfig.TEMPORAL_HISTORY_SHARDS),
                            ctx.registry()),
                    StreamsAppKeys.decoder(config, null, ctx.registry()));
            router = IndexRouter.toIndex(es.rest(), indexName);
        } else {
            IndexSettings index = indexSettings(config);
            Preflight.check(
                    VisibilityIndexerConfig.INDEX_PREFIX,
                    "installing the index " + index.alias(),
                    () -> new IndexInstaller(
                                    es.rest(),
                                    index,
                                    config.getBoolean(VisibilityIndexerConfig.INDEX_LIFECYCLE_ENABLED))
                            .install());
            config.searchAttributes()
                    .unregisteredColumns()
                    .forEach((column, attribute) -> LOG.info(
                            "Column {} is not indexed: its search attribute {} is not in search.attributes (add"
                                    + " {}:<Type> to index it)",
                            column,
                            attribute,
                            attribute));
            topology = VisibilityIndexerTopology.build(
                    new VisibilityIndexerTopology.Settings(
                            prefix,
                            config.searchAttributes(),
                            config.versionEpochs(),
                            ctx.registry(),
                            config.regions()),
                    StreamsAppKeys.decoder(config, null, ctx.registry()));
            router = IndexRouter.throughAlias(es.rest(), index.alias());
        }
        StreamsWithSink running = StreamsWithSink.start(
                new StreamsWithSink.Parts(
                        topology,
                        streamsProperties(config, ctx),
                        config.kafkaClientProperties(),
                        sinkSettings(config),
                        new BulkWriter(
                                es.rest(),
                                router,
                                IndexerMetrics.of(ctx.registry()),
                                VisibilityIndexerTopology.STALE_FRESHNESS),
                        "Elasticsearch"),
                ctx);
        LOG.info(
                "Indexing {} into {} through {} (dead letters: {}){}",
                String.join(" and ", changeTopics(config)),
                router.target(),
                Topics.visibilityDocuments(prefix),
                Topics.visibilityIndexerDlq(prefix),
                config.temporalProfile() ? ", Temporal's documents versioned by _version" : "");
        return () -> {
            running.close();
            es.close();
        };
    }

    /** The keys only the seed profile reads. */
    static final List<String> SEED_ONLY_KEYS = List.of(
            VisibilityIndexerConfig.INDEX_PREFIX,
            VisibilityIndexerConfig.SEARCH_ATTRIBUTES,
            VisibilityIndexerConfig.SEARCH_ATTRIBUTES_UNKNOWN,
            VisibilityIndexerConfig.SEARCH_ATTRIBUTE_COLUMNS,
            VisibilityIndexerConfig.VERSION_EPOCH_STARTS,
            VisibilityIndexerConfig.INDEX_LIFECYCLE_ENABLED);

    /**
     * The temporal profile's index: Temporal's schema with the operator's shards, replicas and refresh interval where
     * set, and every custom attribute field of Temporal's SQL schema (and each alias) mapped by type up front.
     */
    static TemporalIndexInstaller.Settings temporalIndexSettings(VisibilityIndexerConfig config) {
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> attributes = new java.util.TreeMap<>();
        for (String field : TemporalAttributes.SQL_FIELDS) {
            attributes.put(field, TemporalAttributes.typeOf(field).orElseThrow().temporalMapping());
        }
        config.temporalAttributes()
                .aliasTypes()
                .forEach((alias, type) -> attributes.put(alias, type.temporalMapping()));
        String gcDeletes =
                config.getString(VisibilityIndexerConfig.INDEX_GC_DELETES).trim();
        return new TemporalIndexInstaller.Settings(
                config.getString(VisibilityIndexerConfig.TEMPORAL_INDEX_NAME),
                config.isSet(VisibilityIndexerConfig.INDEX_SHARDS)
                        ? config.getInt(VisibilityIndexerConfig.INDEX_SHARDS)
                        : null,
                config.isSet(VisibilityIndexerConfig.INDEX_REPLICAS)
                        ? config.getInt(VisibilityIndexerConfig.INDEX_REPLICAS)
                        : null,
                config.isSet(VisibilityIndexerConfig.INDEX_REFRESH_INTERVAL)
                        ? config.getString(VisibilityIndexerConfig.INDEX_REFRESH_INTERVAL)
                        : null,
                gcDeletes.isEmpty() ? null : gcDeletes,
                attributes);
    }

    static AcknowledgingSink.Settings sinkSettings(VisibilityIndexerConfig config) {
        return new AcknowledgingSink.Settings(
                "visibility.indexer",
                List.of(Topics.visibilityDocuments(config.getString(VisibilityIndexerConfig.TOPIC_PREFIX))),
                config.getInt(VisibilityIndexerConfig.BULK_MAX_ACTIONS),
                config.getLong(VisibilityIndexerConfig.BULK_MAX_BYTES),
                config.duration(VisibilityIndexerConfig.BULK_LINGER),
                config.getInt(VisibilityIndexerConfig.BULK_MAX_IN_FLIGHT),
                RetryPolicy.forDuration(
                        Duration.ofMillis(200),
                        Duration.ofSeconds(10),
                        config.duration(VisibilityIndexerConfig.RETRY_MAX_DURATION)),
                Duration.ofSeconds(1),
                SINK_SHUTDOWN_TIMEOUT,
                Topics.visibilityIndexerDlq(config.getString(VisibilityIndexerConfig.TOPIC_PREFIX)),
                true);
    }

    /**
     * The topics the indexer reads and writes, as it creates them when missing. The change topics get cdc-source's
     * spec (it may start after the indexer, and would then use them as they are): compacted, {@code
     * topic.partitions}. The documents topic keeps tombstones for 7 days, the time the sink may lag behind
     * before a delete could be compacted away unseen.
     */
    static List<KafkaTopics.Spec> topics(VisibilityIndexerConfig config) {
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        Optional<Integer> partitions = Optional.of(config.getInt(VisibilityIndexerConfig.TOPIC_PARTITIONS));
        Optional<Short> replication = Optional.of(config.getShort(VisibilityIndexerConfig.TOPIC_REPLICATION_FACTOR));
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        List<KafkaTopics.Spec> topics = new java.util.ArrayList<>();
        for (String topic : config.regions().allTopics(changeTopics(config))) {
            topics.add(new KafkaTopics.Spec(topic, partitions, replication, compact));
        }
        topics.addAll(List.of(
                new KafkaTopics.Spec(
                        Topics.visibilityDocuments(prefix),
                        partitions,
                        replication,
                        Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT,
                                TopicConfig.DELETE_RETENTION_MS_CONFIG,
                                Long.toString(DOCUMENT_TOMBSTONE_RETENTION.toMillis()))),
                new KafkaTopics.Spec(Topics.visibilityIndexerDlq(prefix), Optional.empty(), replication, Map.of())));
        return topics;
    }

    /** @return the local change topics the indexer reads: with several regions, {@code temporal.executions}' too */
    static List<String> changeTopics(VisibilityIndexerConfig config) {
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        if (config.temporalProfile()) {
            return List.of(
                    Topics.temporalVisibility(prefix, config.getString(VisibilityIndexerConfig.VISIBILITY_SCHEMA)));
        }
        List<String> topics = new java.util.ArrayList<>(
                List.of(Topics.visibilityExecutions(prefix), Topics.visibilityCustomSearchAttributes(prefix)));
        if (config.regions().multiple()) {
            topics.add(Topics.table(prefix, Topics.TEMPORAL_SCHEMA, VisibilityIndexerTopology.EXECUTIONS_TABLE));
        }
        return topics;
    }

    static IndexSettings indexSettings(VisibilityIndexerConfig config) {
        String gcDeletes =
                config.getString(VisibilityIndexerConfig.INDEX_GC_DELETES).trim();
        Map<String, com.fasterxml.jackson.databind.node.ObjectNode> attributes = new LinkedHashMap<>();
        config.searchAttributes().types().forEach((name, type) -> {
            if (!SearchAttributeRegistry.SEED.containsKey(name)) {
                attributes.put(name, type.mapping());
            }
        });
        return new IndexSettings(
                config.getString(VisibilityIndexerConfig.INDEX_PREFIX),
                config.getInt(VisibilityIndexerConfig.INDEX_SHARDS),
                config.getInt(VisibilityIndexerConfig.INDEX_REPLICAS),
                config.getString(VisibilityIndexerConfig.INDEX_REFRESH_INTERVAL),
                gcDeletes.isEmpty() ? null : gcDeletes,
                attributes);
    }

    static Map<String, Object> streamsProperties(VisibilityIndexerConfig config, AppContext ctx) {
        Map<String, Object> props = config.streamsProperties();
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        IndexerMetrics metrics = IndexerMetrics.of(ctx.registry());
        StreamsErrorHandling.configure(
                props,
                Topics.visibilityIndexerDlq(prefix),
                List.of(Topics.visibilityDocuments(prefix)),
                metrics.deadLetters(),
                metrics.productionErrors());
        return props;
    }

    /** @return the sink's consumer group */
    public static String sinkGroupId(VisibilityIndexerConfig config) {
        return StreamsWithSink.sinkGroupId(config.getString(VisibilityIndexerConfig.APPLICATION_ID));
    }
}
