package io.temporalcdc.crossregion;

import io.temporalcdc.runtime.ConfigSources;
import io.temporalcdc.runtime.ConfigTypes;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsDefaults;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * cross-region's configuration, declared once. Besides the keys below, {@code kafka.*} settings go to every Kafka
 * client (prefix stripped) and {@code streams.*} settings go to Kafka Streams (prefix stripped, applied last).
 */
public final class CrossRegionConfig extends AbstractConfig {
    public static final String KAFKA_BOOTSTRAP_SERVERS = StreamsAppKeys.KAFKA_BOOTSTRAP_SERVERS;
    public static final String APPLICATION_ID = StreamsAppKeys.APPLICATION_ID;
    public static final String TOPIC_PREFIX = StreamsAppKeys.TOPIC_PREFIX;
    public static final String TOPIC_REPLICATION_FACTOR = StreamsAppKeys.TOPIC_REPLICATION_FACTOR;
    /** The regions compared (two or more), as the stream apps name them ({@link SourceRegions#REGIONS}). */
    public static final String REGIONS = SourceRegions.REGIONS;
    /** The region whose Kafka this instance reads: its change topics are unprefixed there. */
    public static final String LOCAL_REGION = SourceRegions.LOCAL_REGION;
    /** The region the others replicate from (default: the first of regions). */
    public static final String PRIMARY_REGION = "primary.region";
    /** The tables compared, schema.table. */
    public static final String TABLES = "tables";
    /** How long the regions may disagree on a row before it is a divergence. */
    public static final String DIVERGENCE_BOUND = "divergence.bound";
    /** How often rows in disagreement are checked against the bound. */
    public static final String DIVERGENCE_CHECK_INTERVAL = "divergence.check.interval";

    /** Every captured table: Temporal's default store's and the visibility table. */
    public static final String DEFAULT_TABLES = "temporal.executions,temporal.current_executions,"
            + "temporal.activity_info_maps,temporal.timer_info_maps,temporal.tasks,temporal.history_tree,"
            + "temporal_visibility.executions";

    private static final Pattern TABLE = Pattern.compile("[a-z_][a-z0-9_]*\\.[a-z_][a-z0-9_]*");

    public static final ConfigDef DEF = StreamsAppKeys.define(
                    new ConfigDef(),
                    new StreamsAppKeys.Docs(
                            "cross-region",
                            "temporal-cdc-cross-region",
                            "Kafka Streams application id (consumer group, prefix of the internal topics: the rows"
                                    + " changelog and the row-changes repartition topic).",
                            Topics.DEFAULT_PREFIX,
                            "CDC topic prefix: reads <prefix>.<schema>.<table> (the local region's) and"
                                    + " <region>.<prefix>.<schema>.<table> (the other regions', mirrored by MirrorMaker"
                                    + " 2), writes <prefix>.replication-events, dead-letters to"
                                    + " <prefix>.cross-region.dlq.",
                            "Partitions of the topics cross-region creates when they are missing:"
                                    + " <prefix>.replication-events, and the change topics if it starts before"
                                    + " cdc-source or MirrorMaker 2 made them (keep cdc-source's value in every"
                                    + " region)."))
            .define(
                    REGIONS,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    (name, value) -> {
                        @SuppressWarnings("unchecked")
                        List<String> regions = (List<String>) value;
                        if (regions.size() < 2 || new LinkedHashSet<>(regions).size() != regions.size()) {
                            throw new ConfigException(name, value, "name two distinct regions or more");
                        }
                        regions.forEach(r -> {
                            if (!SourceRegions.REGION.matcher(r).matches()) {
                                throw new ConfigException(
                                        name, r, "a region is letters, digits, '_' or '-' (cdc-source's region)");
                            }
                        });
                    },
                    Importance.HIGH,
                    "The regions compared, as each cdc-source's region setting names them and MirrorMaker 2's cluster"
                            + " aliases (e.g. us-east-1,eu-west-1).")
            .define(
                    LOCAL_REGION,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "The region whose Kafka this reads (one of regions): its change topics are <prefix>.<schema>."
                            + "<table>, the others' are mirrored as <region>.<prefix>.<schema>.<table>.")
            .define(
                    PRIMARY_REGION,
                    Type.STRING,
                    "",
                    Importance.MEDIUM,
                    "The region the others replicate from (the seed's primary; one of regions). PostgreSQL reports a"
                            + " transaction a subscription applied with its origin's commit time, so a change seen with"
                            + " the same commit time in two regions came from the primary. Empty: the first of regions.")
            .define(
                    TABLES,
                    Type.LIST,
                    DEFAULT_TABLES,
                    (name, value) -> {
                        @SuppressWarnings("unchecked")
                        List<String> tables = (List<String>) value;
                        if (tables.isEmpty()) {
                            throw new ConfigException(name, value, "name one table or more");
                        }
                        tables.forEach(t -> {
                            if (!TABLE.matcher(t).matches()) {
                                throw new ConfigException(name, t, "expected schema.table");
                            }
                        });
                    },
                    Importance.MEDIUM,
                    "The tables compared, schema.table.")
            .define(
                    DIVERGENCE_BOUND,
                    Type.STRING,
                    "60s",
                    ConfigTypes.duration("60s or 5m", Duration.ofSeconds(1), Duration.ofDays(7)),
                    Importance.MEDIUM,
                    "How long the regions may disagree on a row (one has a change the other has not) before a"
                            + " divergence event opens; the next agreement closes it. Keep it above the replication"
                            + " lag you accept (the seed alerts at 1 MB of WAL).")
            .define(
                    DIVERGENCE_CHECK_INTERVAL,
                    Type.STRING,
                    "5s",
                    ConfigTypes.duration("5s or 500ms", Duration.ofMillis(100), Duration.ofMinutes(10)),
                    Importance.LOW,
                    "How often (wall clock) the rows in disagreement are checked against divergence.bound.");

    private final Map<String, String> settings;

    public CrossRegionConfig(Map<String, String> settings) {
        super(DEF, settings, false);
        this.settings = Map.copyOf(settings);
        if (!getList(REGIONS).contains(getString(LOCAL_REGION))) {
            throw new ConfigException(LOCAL_REGION, getString(LOCAL_REGION), "must be one of regions " + regions());
        }
        if (!getList(REGIONS).contains(primaryRegion())) {
            throw new ConfigException(PRIMARY_REGION, primaryRegion(), "must be one of regions " + regions());
        }
    }

    /** @return settings for any Kafka client: {@code kafka.*} with the prefix stripped */
    public Map<String, Object> kafkaClientProperties() {
        return ConfigSources.withPrefix(settings, StreamsDefaults.KAFKA_PREFIX);
    }

    /**
     * @return the Kafka Streams properties: {@link StreamsDefaults#properties} with exactly-once processing (an event
     *     is written with the state change that made it, once) and a 1 s commit interval
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> tuning = new HashMap<>();
        tuning.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        tuning.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        return StreamsDefaults.properties(settings, getString(APPLICATION_ID), tuning);
    }

    public Set<String> regions() {
        return new LinkedHashSet<>(getList(REGIONS));
    }

    public String localRegion() {
        return getString(LOCAL_REGION);
    }

    /** @return {@link #PRIMARY_REGION}, or the first of regions when it is empty */
    public String primaryRegion() {
        String primary = getString(PRIMARY_REGION).strip();
        return primary.isEmpty() ? getList(REGIONS).get(0) : primary;
    }

    public List<String> tables() {
        return getList(TABLES);
    }

    public Duration duration(String key) {
        return ConfigTypes.parseDuration(getString(key));
    }
}
