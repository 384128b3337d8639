package io.temporalcdc.indexer;

import io.temporalcdc.runtime.ConfigSources;
import io.temporalcdc.runtime.ConfigTypes;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsDefaults;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.ElasticsearchContracts;
import io.temporalcdc.schemas.SourceProfiles;
import io.temporalcdc.schemas.Topics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The visibility indexer's configuration, declared once. Besides the keys below, {@code kafka.*} settings go to
 * every Kafka client (prefix stripped) and {@code streams.*} settings go to Kafka Streams (prefix stripped,
 * applied last).
 */
public final class VisibilityIndexerConfig extends AbstractConfig {
    /** Kafka bootstrap servers (required). */
    public static final String KAFKA_BOOTSTRAP_SERVERS = StreamsAppKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** Kafka Streams application id: consumer group and prefix of internal topics. */
    public static final String APPLICATION_ID = StreamsAppKeys.APPLICATION_ID;
    /** The CDC topic prefix: the indexer reads {@code <prefix>.temporal_visibility.executions}. */
    public static final String TOPIC_PREFIX = StreamsAppKeys.TOPIC_PREFIX;
    /** Elasticsearch base URL(s), comma-separated (required). */
    public static final String ELASTICSEARCH_URL = "elasticsearch.url";
    /** Elasticsearch user for basic authentication (optional). */
    public static final String ELASTICSEARCH_USERNAME = "elasticsearch.username";
    /** Elasticsearch password for basic authentication (optional). */
    public static final String ELASTICSEARCH_PASSWORD = "elasticsearch.password";
    /** Write alias; the template pattern is {@code <prefix>_*}, the first index {@code <prefix>_index-000001}. */
    public static final String INDEX_PREFIX = "index.prefix";
    /** Primary shards of new indices. */
    public static final String INDEX_SHARDS = "index.shards";
    /** Replicas of new indices. */
    public static final String INDEX_REPLICAS = "index.replicas";
    /** Refresh interval of new indices. */
    public static final String INDEX_REFRESH_INTERVAL = "index.refresh.interval";
    /** Whether the seed's ILM policy is applied where the cluster has ILM. */
    public static final String INDEX_LIFECYCLE_ENABLED = "index.lifecycle.enabled";
    /** How long Elasticsearch keeps the version of a deleted document ({@code index.gc_deletes}). */
    public static final String INDEX_GC_DELETES = "index.gc.deletes";
    /** Registered search attributes, {@code Name:Type}. */
    public static final String SEARCH_ATTRIBUTES = "search.attributes";
    /** What happens to a search attribute the registry does not know: {@code dead-letter} or {@code drop}. */
    public static final String SEARCH_ATTRIBUTES_UNKNOWN = "search.attributes.unknown";
    /** Row columns indexed as search attributes, {@code column:Attribute}. */
    public static final String SEARCH_ATTRIBUTE_COLUMNS = "search.attribute.columns";
    /** Instants from which document versions start over above all earlier ones (restores, cluster moves). */
    public static final String VERSION_EPOCH_STARTS = "version.epoch.starts";
    /** Partitions of the topics the indexer creates (the documents topic, and change topics still missing). */
    public static final String TOPIC_PARTITIONS = StreamsAppKeys.TOPIC_PARTITIONS;
    /** Replication factor of the topics the indexer creates. */
    public static final String TOPIC_REPLICATION_FACTOR = StreamsAppKeys.TOPIC_REPLICATION_FACTOR;
    /** Most actions in one {@code _bulk} request. */
    public static final String BULK_MAX_ACTIONS = "elasticsearch.bulk.max.actions";
    /** Most bytes of documents in one {@code _bulk} request. */
    public static final String BULK_MAX_BYTES = "elasticsearch.bulk.max.bytes";
    /** How long a partial batch waits for more documents. */
    public static final String BULK_LINGER = "elasticsearch.bulk.linger";
    /** {@code _bulk} requests in flight at once. */
    public static final String BULK_MAX_IN_FLIGHT = "elasticsearch.bulk.max.in.flight";
    /** How long a write may keep failing transiently before the app gives up (exit 1). */
    public static final String RETRY_MAX_DURATION = "elasticsearch.retry.max.duration";

    /** What the indexer reads: {@code seed} (the seed's tables) or {@code temporal-v12} (Temporal's own SQL table). */
    public static final String SOURCE_PROFILE = "source.profile";
    /** The seed profile: {@code temporal_visibility.executions} and its custom attributes, the seed's mapping. */
    public static final String PROFILE_SEED = SourceProfiles.SEED;
    /** Temporal's {@code executions_visibility} (PostgreSQL v12 schema) into an index Temporal itself reads. */
    public static final String PROFILE_TEMPORAL_V12 = SourceProfiles.TEMPORAL_V12;
    /**
     * What is written: {@code seed} (the seed's mapping behind {@code index.prefix}) or {@code temporal} (an index
     * Temporal's Elasticsearch visibility reads); empty follows {@link #SOURCE_PROFILE}.
     */
    public static final String INDEX_PROFILE = "index.profile";
    /** The index profile of Temporal's own Elasticsearch visibility. */
    public static final String INDEX_PROFILE_TEMPORAL = "temporal";
    /** The schema of {@code executions_visibility} in the visibility database ({@code temporal-v12}). */
    public static final String VISIBILITY_SCHEMA = "visibility.schema";
    /** The index Temporal's Elasticsearch visibility reads ({@code temporal-v12}). */
    public static final String TEMPORAL_INDEX_NAME = "temporal.index.name";
    /** Temporal's {@code numHistoryShards}: the shard in {@code VisibilityTaskKey} ({@code temporal-v12}). */
    public static final String TEMPORAL_HISTORY_SHARDS = "temporal.history.shards";
    /** {@code [namespace_id/]Field:Alias}: custom attribute names of Temporal before 1.31 ({@code temporal-v12}). */
    public static final String TEMPORAL_ATTRIBUTE_ALIASES = "temporal.search.attribute.aliases";

    /** The seed's six search attributes, the default registry. */
    public static final String SEED_ATTRIBUTES =
            "CustomKeywordField:Keyword,CustomIntField:Int,CustomDoubleField:Double,"
                    + "CustomBoolField:Bool,CustomDatetimeField:Datetime,CustomStringField:Text";

    /** Prefix of settings passed to every Kafka client. */
    public static final String KAFKA_PREFIX = StreamsDefaults.KAFKA_PREFIX;

    private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9_.\\-]{0,200}");
    private static final Pattern TIME_VALUE = Pattern.compile("-1|0|[0-9]+(nanos|micros|ms|s|m|h|d)");

    /** The declaration of every key: doc, default, validator. Required keys have no default. */
    public static final ConfigDef DEF = SourceRegions.define(
            StreamsAppKeys.define(
                            new ConfigDef(),
                            new StreamsAppKeys.Docs(
                                    "the indexer",
                                    "temporal-cdc-visibility-indexer",
                                    "Kafka Streams application id (consumer group, internal topic prefix).",
                                    Topics.DEFAULT_PREFIX,
                                    "CDC topic prefix: reads <prefix>.temporal_visibility.executions, dead-letters to "
                                            + "<prefix>.visibility-indexer.dlq.",
                                    "Partitions of the compacted topics the indexer creates when they are missing:"
                                            + " <prefix>.visibility.documents, and the two change topics if the indexer starts before"
                                            + " cdc-source (created as cdc-source creates them: keep both at the same value)."))
                    .define(
                            ELASTICSEARCH_URL,
                            Type.LIST,
                            ConfigDef.NO_DEFAULT_VALUE,
                            ConfigTypes.validator(
                                    "http(s)://host[:port], comma-separated", VisibilityIndexerConfig::validateUrls),
                            Importance.HIGH,
                            "Elasticsearch base URL(s), e.g. http://127.0.0.1:9200 (comma-separated).")
                    .define(
                            ELASTICSEARCH_USERNAME,
                            Type.STRING,
                            null,
                            Importance.MEDIUM,
                            "Elasticsearch user for basic authentication; none when unset.")
                    .define(
                            ELASTICSEARCH_PASSWORD,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Elasticsearch password for basic authentication.")
                    .define(
                            INDEX_PREFIX,
                            Type.STRING,
                            ElasticsearchContracts.DEFAULT_INDEX_PREFIX,
                            ConfigTypes.validator(
                                    "lowercase index name: [a-z0-9][a-z0-9_.-]*",
                                    VisibilityIndexerConfig::validateIndexPrefix),
                            Importance.HIGH,
                            "Write alias of the visibility index; the template matches <prefix>_*, the first index is "
                                    + "<prefix>_index-000001.")
                    .define(
                            INDEX_SHARDS,
                            Type.INT,
                            3,
                            ConfigDef.Range.atLeast(1),
                            Importance.MEDIUM,
                            "Primary shards of new visibility indices.")
                    .define(
                            INDEX_REPLICAS,
                            Type.INT,
                            1,
                            ConfigDef.Range.atLeast(0),
                            Importance.MEDIUM,
                            "Replicas of new visibility indices (0 on a single node).")
                    .define(
                            INDEX_REFRESH_INTERVAL,
                            Type.STRING,
                            "5s",
                            ConfigTypes.validator(
                                    "time value: -1, 0 or a number with nanos|micros|ms|s|m|h|d",
                                    VisibilityIndexerConfig::validateTimeValue),
                            Importance.MEDIUM,
                            "Refresh interval of new visibility indices, e.g. 5s, 1s or -1.")
                    .define(
                            INDEX_LIFECYCLE_ENABLED,
                            Type.BOOLEAN,
                            true,
                            Importance.MEDIUM,
                            "Where the cluster has ILM, install the seed's policy (rollover at 7 d or 5 GB, priorities,"
                                    + " replicas) and name it in the template. Writes follow each document to the index that"
                                    + " holds it, so rollovers never split a run; the installed policy leaves out the seed's"
                                    + " delete phase (retention is the pipeline's: rows deleted in PostgreSQL delete their"
                                    + " documents) and the actions that make an index read-only (forcemerge, shrink), because a"
                                    + " rolled-over index still takes the updates of its runs.")
                    .define(
                            INDEX_GC_DELETES,
                            Type.STRING,
                            "",
                            ConfigTypes.validator(
                                    "empty (Elasticsearch's 60s) or a time value such as 60s, 10m, 1h",
                                    VisibilityIndexerConfig::validateOptionalTimeValue),
                            Importance.LOW,
                            "index.gc_deletes of the visibility indices: how long a deleted document's version is kept, so"
                                    + " that a late replay of a change older than the delete is refused instead of bringing the"
                                    + " document back. Empty keeps Elasticsearch's default (60s).")
                    .define(
                            SOURCE_PROFILE,
                            Type.STRING,
                            PROFILE_SEED,
                            ConfigDef.ValidString.in(PROFILE_SEED, PROFILE_TEMPORAL_V12),
                            Importance.HIGH,
                            "What is indexed. seed: the seed's temporal_visibility.executions (with"
                                    + " custom_search_attributes) into the seed's mapping behind index.prefix. temporal-v12:"
                                    + " Temporal's own SQL visibility table executions_visibility (PostgreSQL v12 schema,"
                                    + " Temporal 1.31) into temporal.index.name, an index Temporal's Elasticsearch visibility"
                                    + " reads, versioned by the rows' _version (README, \"Temporal's own SQL visibility\").")
                    .define(
                            INDEX_PROFILE,
                            Type.STRING,
                            "",
                            ConfigDef.ValidString.in("", PROFILE_SEED, INDEX_PROFILE_TEMPORAL),
                            Importance.LOW,
                            "What is written: seed (the seed's mapping behind index.prefix) or temporal (an index"
                                    + " Temporal's Elasticsearch visibility reads, temporal.index.name). Empty: seed for"
                                    + " source.profile=seed, temporal for temporal-v12, the only two pairs there are (the"
                                    + " temporal index needs the rows' visibility task ids, which only Temporal's own"
                                    + " table has).")
                    .define(
                            VISIBILITY_SCHEMA,
                            Type.STRING,
                            Topics.TEMPORAL_VISIBILITY_DEFAULT_SCHEMA,
                            ConfigTypes.validator(
                                    "a lowercase PostgreSQL identifier", VisibilityIndexerConfig::validateIdentifier),
                            Importance.MEDIUM,
                            "temporal-v12: the schema of executions_visibility in Temporal's visibility database; the"
                                    + " change topic is <topic.prefix>.<schema>.executions_visibility.")
                    .define(
                            TEMPORAL_INDEX_NAME,
                            Type.STRING,
                            ElasticsearchContracts.TEMPORAL_DEFAULT_INDEX + "_dev",
                            ConfigTypes.validator(
                                    "lowercase index name: [a-z0-9][a-z0-9_.-]*",
                                    VisibilityIndexerConfig::validateIndexPrefix),
                            Importance.HIGH,
                            "temporal-v12: the index Temporal's Elasticsearch visibility reads (its"
                                    + " persistence.datastores.<es>.elasticsearch.indices.visibility); created from Temporal's"
                                    + " visibility schema v14 when missing.")
                    .define(
                            TEMPORAL_HISTORY_SHARDS,
                            Type.INT,
                            0,
                            ConfigDef.Range.between(0, 1 << 20),
                            Importance.MEDIUM,
                            "temporal-v12: Temporal's persistence.numHistoryShards, to write VisibilityTaskKey"
                                    + " (<shard>~<_version>) as Temporal does. 0 leaves the field out: Temporal's reader never"
                                    + " reads it.")
                    .define(
                            TEMPORAL_ATTRIBUTE_ALIASES,
                            Type.LIST,
                            "",
                            ConfigTypes.validator(
                                    "[namespace_id/]Field:Alias, comma-separated",
                                    VisibilityIndexerConfig::validateAliases),
                            Importance.MEDIUM,
                            "temporal-v12: the name a custom attribute field (Keyword01, Int02, ...) carries in the index."
                                    + " Empty for Temporal 1.31 and later, whose Elasticsearch visibility uses the field names as"
                                    + " SQL does; before 1.31 it uses the namespace's aliases, e.g."
                                    + " Keyword01:CustomerId or <namespace_id>/Keyword01:CustomerId.")
                    .define(
                            SEARCH_ATTRIBUTES,
                            Type.LIST,
                            SEED_ATTRIBUTES,
                            ConfigTypes.validator(
                                    "Name:Type, comma-separated", VisibilityIndexerConfig::validateAttributes),
                            Importance.MEDIUM,
                            "The search attribute registry, Name:Type (Keyword, Int, Double, Bool, Datetime, Text,"
                                    + " KeywordList). The seed's six are always known; an attribute registered here that the"
                                    + " mapping lacks is added to the mapping and the template at start-up.")
                    .define(
                            SEARCH_ATTRIBUTE_COLUMNS,
                            Type.LIST,
                            "customer_id:CustomerId",
                            ConfigTypes.validator(
                                    "column:Attribute, comma-separated", VisibilityIndexerConfig::validateColumns),
                            Importance.MEDIUM,
                            "Columns of temporal_visibility.executions indexed as search attributes, column:Attribute (the"
                                    + " seed's migrate_add_search_attribute() adds customer_id). A column is indexed once its"
                                    + " attribute is registered in search.attributes (e.g. CustomerId:Keyword); its value wins"
                                    + " over the same attribute in search_attributes.")
                    .define(
                            SEARCH_ATTRIBUTES_UNKNOWN,
                            Type.STRING,
                            "dead-letter",
                            ConfigDef.ValidString.in("dead-letter", "drop"),
                            Importance.MEDIUM,
                            "A search attribute the registry does not know: dead-letter (the record goes to the dead-letter"
                                    + " topic, naming it) or drop (the document is indexed without it; counted and logged).")
                    .define(
                            VERSION_EPOCH_STARTS,
                            Type.LIST,
                            "",
                            ConfigTypes.validator(
                                    "ISO-8601 instants in increasing order, e.g. 2026-11-29T10:00:00Z",
                                    VersionEpochs::validateSetting),
                            Importance.LOW,
                            "Version epochs: after a point-in-time restore or a move to another PostgreSQL cluster the LSNs"
                                    + " start lower, and every write would be refused as older. Add the cut-over instant here:"
                                    + " changes committed at or after it outrank everything before it.")
                    .define(
                            BULK_MAX_ACTIONS,
                            Type.INT,
                            500,
                            ConfigDef.Range.between(1, 100_000),
                            Importance.MEDIUM,
                            "Most actions in one _bulk request (Temporal's own bulk processor uses 500).")
                    .define(
                            BULK_MAX_BYTES,
                            Type.LONG,
                            16L * 1024 * 1024,
                            ConfigDef.Range.between(1024, 1024L * 1024 * 1024),
                            Importance.MEDIUM,
                            "Most bytes of documents in one _bulk request; keep it below the cluster's"
                                    + " http.max_content_length (100mb by default).")
                    .define(
                            BULK_LINGER,
                            Type.STRING,
                            "50ms",
                            ConfigTypes.duration("50ms or 1s"),
                            Importance.MEDIUM,
                            "How long a partial _bulk batch waits for more documents before it is sent.")
                    .define(
                            BULK_MAX_IN_FLIGHT,
                            Type.INT,
                            4,
                            ConfigDef.Range.between(1, 64),
                            Importance.MEDIUM,
                            "_bulk requests in flight at once.")
                    .define(
                            RETRY_MAX_DURATION,
                            Type.STRING,
                            "2m",
                            ConfigTypes.duration("2m or 120s"),
                            Importance.MEDIUM,
                            "How long a write may keep failing transiently (connection refused, 429, 5xx) before the app"
                                    + " exits 1; it resumes from the committed offsets when restarted. Readiness is DOWN while"
                                    + " writes are retried."),
            "With several regions the indexer also reads temporal.executions (every region's) and indexes, for"
                    + " each run, the state of the region whose execution has the higher last_write_version, then"
                    + " db_record_version, then region name (README, \"Several regions\").");

    private final Map<String, String> settings;

    /** @param settings every setting, passthrough keys included */
    public VisibilityIndexerConfig(Map<String, String> settings) {
        super(DEF, settings, false);
        this.settings = Map.copyOf(settings);
        SourceRegions regions = SourceRegions.of(this);
        String index = getString(INDEX_PROFILE);
        String expected = temporalProfile() ? INDEX_PROFILE_TEMPORAL : PROFILE_SEED;
        if (!index.isEmpty() && !index.equals(expected)) {
            throw new ConfigException(
                    INDEX_PROFILE,
                    index,
                    "source.profile=" + getString(SOURCE_PROFILE) + " writes the " + expected + " index profile:"
                            + " the seed's tables carry no visibility task ids for Temporal's index, and Temporal's"
                            + " documents do not fit the seed's mapping");
        }
        if (temporalProfile() && regions.multiple()) {
            throw new ConfigException(
                    SOURCE_PROFILE,
                    getString(SOURCE_PROFILE),
                    "the temporal-v12 profile reads one region (Temporal's own multi-cluster replication keeps each"
                            + " cluster's visibility apart): leave regions empty");
        }
    }

    /** @return whether the {@value #PROFILE_TEMPORAL_V12} profile is configured */
    public boolean temporalProfile() {
        return PROFILE_TEMPORAL_V12.equals(getString(SOURCE_PROFILE));
    }

    /** @return the attribute names of the temporal profile's index */
    public io.temporalcdc.indexer.temporal.TemporalAttributes temporalAttributes() {
        return new io.temporalcdc.indexer.temporal.TemporalAttributes(getList(TEMPORAL_ATTRIBUTE_ALIASES));
    }

    /** @return whether the operator set {@code key} (rather than leaving its default) */
    public boolean isSet(String key) {
        return originals().containsKey(key);
    }

    /** @return the Elasticsearch base URLs */
    public List<URI> elasticsearchUrls() {
        List<URI> urls = new ArrayList<>();
        for (String url : getList(ELASTICSEARCH_URL)) {
            urls.add(URI.create(url.trim()));
        }
        return urls;
    }

    /** @return the Elasticsearch password, or null */
    public String elasticsearchPassword() {
        Password password = getPassword(ELASTICSEARCH_PASSWORD);
        return password == null ? null : password.value();
    }

    /** @return settings for any Kafka client: {@code kafka.*} with the prefix stripped */
    public Map<String, Object> kafkaClientProperties() {
        return ConfigSources.withPrefix(settings, KAFKA_PREFIX);
    }

    /**
     * @return the Kafka Streams properties: {@link StreamsDefaults#properties} with the indexer's tuning (two threads,
     *     128 KB producer batches, no task idling)
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> tuning = new HashMap<>();
        // fewer, larger produce requests for the repartition, changelog and documents topics
        tuning.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 128 * 1024);
        // the two tables' order relative to each other does not matter (each row's own order does): never wait for
        // the quieter topic
        tuning.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        // decoding and mapping take a core at full speed: two threads share the tasks (one per partition and stage)
        tuning.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2);
        return StreamsDefaults.properties(settings, getString(APPLICATION_ID), tuning);
    }

    private static void validateUrls(String name, Object value) {
        if (!(value instanceof List<?> urls) || urls.isEmpty()) {
            throw new ConfigException(name, value, "at least one URL is needed");
        }
        for (Object url : urls) {
            try {
                URI uri = URI.create(String.valueOf(url).trim());
                if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                    throw new ConfigException(name, url, "expected http(s)://host[:port]");
                }
            } catch (IllegalArgumentException e) {
                throw new ConfigException(name, url, "not a URL: " + e.getMessage());
            }
        }
    }

    private static void validateIndexPrefix(String name, Object value) {
        if (value == null || !INDEX_NAME.matcher(value.toString()).matches()) {
            throw new ConfigException(
                    name,
                    value,
                    "an Elasticsearch index name: lowercase letters, digits, '_', '-', '.', not starting with '_', '-' or '.'");
        }
    }

    /** @return the search attribute registry */
    public SearchAttributeRegistry searchAttributes() {
        return new SearchAttributeRegistry(
                SearchAttributeRegistry.parse(getList(SEARCH_ATTRIBUTES)),
                "drop".equals(getString(SEARCH_ATTRIBUTES_UNKNOWN)),
                SearchAttributeRegistry.parseColumns(getList(SEARCH_ATTRIBUTE_COLUMNS)));
    }

    /** @return the regions read ({@value SourceRegions#REGIONS}, {@value SourceRegions#LOCAL_REGION}) */
    public SourceRegions regions() {
        return SourceRegions.of(this);
    }

    /** @return the version epochs */
    public VersionEpochs versionEpochs() {
        return VersionEpochs.parse(getList(VERSION_EPOCH_STARTS));
    }

    /** @return the value of a time-value key as a duration */
    public Duration duration(String key) {
        return ConfigTypes.parseDuration(getString(key));
    }

    private static void validateOptionalTimeValue(String name, Object value) {
        if (value != null && !value.toString().isBlank()) {
            validateTimeValue(name, value);
        }
    }

    private static void validateAttributes(String name, Object value) {
        try {
            List<String> entries = value instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : List.of();
            new SearchAttributeRegistry(SearchAttributeRegistry.parse(entries), false);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateAliases(String name, Object value) {
        try {
            List<String> entries = value instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : List.of();
            new io.temporalcdc.indexer.temporal.TemporalAttributes(entries);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateIdentifier(String name, Object value) {
        if (value == null
                || !SourceProfiles.POSTGRES_IDENTIFIER.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "a lowercase PostgreSQL identifier: [a-z_][a-z0-9_]*");
        }
    }

    private static void validateColumns(String name, Object value) {
        try {
            List<String> entries = value instanceof List<?> list
                    ? list.stream().map(String::valueOf).toList()
                    : List.of();
            SearchAttributeRegistry.parseColumns(entries);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateTimeValue(String name, Object value) {
        if (value == null || !TIME_VALUE.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "a time value such as 1s, 500ms or -1");
        }
    }
}
