package io.temporalcdc.metrics;

import io.temporalcdc.runtime.ConfigSources;
import io.temporalcdc.runtime.ConfigTypes;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsDefaults;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The metrics aggregator's configuration, declared once. Besides the keys below, {@code kafka.*} settings go to every
 * Kafka client (prefix stripped) and {@code streams.*} settings go to Kafka Streams (prefix stripped, applied last).
 */
public final class MetricsAggregatorConfig extends AbstractConfig {
    /** Kafka bootstrap servers (required). */
    public static final String KAFKA_BOOTSTRAP_SERVERS = StreamsAppKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** Kafka Streams application id: consumer group and prefix of internal topics. */
    public static final String APPLICATION_ID = StreamsAppKeys.APPLICATION_ID;
    /** The CDC topic prefix. */
    public static final String TOPIC_PREFIX = StreamsAppKeys.TOPIC_PREFIX;
    /** Partitions of the topics the aggregator creates. */
    public static final String TOPIC_PARTITIONS = StreamsAppKeys.TOPIC_PARTITIONS;
    /** Replication factor of the topics the aggregator creates. */
    public static final String TOPIC_REPLICATION_FACTOR = StreamsAppKeys.TOPIC_REPLICATION_FACTOR;
    /** Days of start_time kept, as the seed's view (today and the days before it). */
    public static final String WINDOW_DAYS = "window.days";
    /** How often the rolling windows' gauges are recomputed and old state dropped. */
    public static final String ROLLING_INTERVAL = "rolling.update.interval";
    /** The host other instances reach this one's HTTP API at. */
    public static final String HTTP_ADVERTISED_HOST = "http.advertised.host";
    /** How long a query waits for another instance's answer. */
    public static final String QUERY_TIMEOUT = "query.timeout";
    /** Version epochs, as the indexer's. */
    public static final String VERSION_EPOCH_STARTS = "version.epoch.starts";

    /** The declaration of every key: doc, default, validator. Required keys have no default. */
    public static final ConfigDef DEF = StreamsAppKeys.define(
                    new ConfigDef(),
                    new StreamsAppKeys.Docs(
                            "the aggregator",
                            "temporal-cdc-metrics-aggregator",
                            "Kafka Streams application id (consumer group, prefix of the internal topics: the runs and groups"
                                    + " changelogs and the group-deltas repartition topic).",
                            Topics.DEFAULT_PREFIX,
                            "CDC topic prefix: reads <prefix>.temporal_visibility.executions, writes <prefix>.workflow-metrics,"
                                    + " dead-letters to <prefix>.metrics-aggregator.dlq.",
                            "Partitions of the topics the aggregator creates when they are missing: <prefix>.workflow-metrics,"
                                    + " and the change topic if it starts before cdc-source (keep the same value as cdc-source)."))
            .define(
                    WINDOW_DAYS,
                    Type.INT,
                    30,
                    ConfigDef.Range.between(1, 3_660),
                    Importance.MEDIUM,
                    "Days of start_time aggregated, as the seed's view: runs whose start_time (UTC) is on or after"
                            + " today minus this many days. Older days are dropped from state and from the output topic.")
            .define(
                    ROLLING_INTERVAL,
                    Type.STRING,
                    "10s",
                    ConfigTypes.duration("10s or 1m", Duration.ofSeconds(1), Duration.ofHours(1)),
                    Importance.LOW,
                    "How often (wall clock) the rolling 1 h / 24 h gauges are recomputed and minutes that left the"
                            + " 24 h window are dropped; also bounds how late a day leaves the window after midnight.")
            .define(
                    HTTP_ADVERTISED_HOST,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "The host name or address other instances reach this instance's HTTP port at (Kafka Streams'"
                            + " application.server). Empty: http.host, or this machine's address when http.host is a"
                            + " wildcard.")
            .define(
                    QUERY_TIMEOUT,
                    Type.STRING,
                    "5s",
                    ConfigTypes.duration("5s or 500ms", Duration.ofMillis(100), Duration.ofMinutes(5)),
                    Importance.LOW,
                    "How long a query waits for another instance's share of the answer before answering 503.")
            .define(
                    VERSION_EPOCH_STARTS,
                    Type.LIST,
                    "",
                    ConfigTypes.validator(
                            "ISO-8601 instants in increasing order, e.g. 2026-11-29T10:00:00Z",
                            VersionEpochs::validateSetting),
                    Importance.LOW,
                    "Version epochs, as the visibility indexer's: after a point-in-time restore or a move to another"
                            + " PostgreSQL cluster the LSNs start lower and every change would be refused as older."
                            + " Add the cut-over instant here: changes committed at or after it outrank everything"
                            + " before it.");

    private final Map<String, String> settings;

    /** @param settings every setting, passthrough keys included */
    public MetricsAggregatorConfig(Map<String, String> settings) {
        super(DEF, settings, false);
        this.settings = Map.copyOf(settings);
    }

    /** @return settings for any Kafka client: {@code kafka.*} with the prefix stripped */
    public Map<String, Object> kafkaClientProperties() {
        return ConfigSources.withPrefix(settings, StreamsDefaults.KAFKA_PREFIX);
    }

    /**
     * @param applicationServer this instance's {@code host:port}, for interactive queries across instances
     * @return the Kafka Streams properties: {@link StreamsDefaults#properties} with exactly-once processing (the
     *     aggregates are sums: a change counted twice after a crash would stay counted twice), a 1 s commit
     *     interval (the groups see a change once the runs' transaction commits), two stream threads, a 64 MiB
     *     record cache and {@code application.server}
     */
    public Map<String, Object> streamsProperties(String applicationServer) {
        Map<String, Object> tuning = new HashMap<>();
        tuning.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        tuning.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        tuning.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        // the days' writes are coalesced in the cache until a commit: room for every day of a large deployment
        tuning.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 64L * 1024 * 1024);
        tuning.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        return StreamsDefaults.properties(settings, getString(APPLICATION_ID), tuning);
    }

    /** @return the value of a duration key */
    public Duration duration(String key) {
        return ConfigTypes.parseDuration(getString(key));
    }

    /** @return {@link #VERSION_EPOCH_STARTS} */
    public VersionEpochs versionEpochs() {
        return VersionEpochs.parse(getList(VERSION_EPOCH_STARTS));
    }
}
