package io.temporalcdc.indexer;

import io.temporalcdc.runtime.ConfigSources;
import io.temporalcdc.schemas.ElasticsearchContracts;
import io.temporalcdc.schemas.Topics;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
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
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    /** Kafka Streams application id: consumer group and prefix of internal topics. */
    public static final String APPLICATION_ID = "application.id";
    /** The CDC topic prefix: the indexer reads {@code <prefix>.temporal_visibility.executions}. */
    public static final String TOPIC_PREFIX = "topic.prefix";
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

    /** Prefix of settings passed to every Kafka client. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of settings passed to Kafka Streams. */
    public static final String STREAMS_PREFIX = "streams.";
    /** Default commit interval: small, so a restart replays little. */
    public static final int DEFAULT_COMMIT_INTERVAL_MS = 1_000;
    /** Default consumer session timeout: a crashed instance's partitions are reassigned after 10 s. */
    public static final int DEFAULT_SESSION_TIMEOUT_MS = 10_000;

    private static final Pattern INDEX_NAME = Pattern.compile("[a-z0-9][a-z0-9_.\\-]{0,200}");
    private static final Pattern TIME_VALUE = Pattern.compile("-1|0|[0-9]+(nanos|micros|ms|s|m|h|d)");

    /** The declaration of every key: doc, default, validator. Required keys have no default. */
    public static final ConfigDef DEF = new ConfigDef()
            .define(
                    KAFKA_BOOTSTRAP_SERVERS,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka bootstrap servers, host:port[,host:port...].")
            .define(
                    APPLICATION_ID,
                    Type.STRING,
                    "temporal-cdc-visibility-indexer",
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "Kafka Streams application id (consumer group, internal topic prefix).")
            .define(
                    TOPIC_PREFIX,
                    Type.STRING,
                    Topics.DEFAULT_PREFIX,
                    new ConfigDef.NonEmptyString(),
                    Importance.HIGH,
                    "CDC topic prefix: reads <prefix>.temporal_visibility.executions, dead-letters to "
                            + "<prefix>.visibility-indexer.dlq.")
            .define(
                    ELASTICSEARCH_URL,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    validator("http(s)://host[:port], comma-separated", VisibilityIndexerConfig::validateUrls),
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
                    validator(
                            "lowercase index name: [a-z0-9][a-z0-9_.-]*", VisibilityIndexerConfig::validateIndexPrefix),
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
                    validator(
                            "time value: -1, 0 or a number with nanos|micros|ms|s|m|h|d",
                            VisibilityIndexerConfig::validateTimeValue),
                    Importance.MEDIUM,
                    "Refresh interval of new visibility indices, e.g. 5s, 1s or -1.")
            .define(
                    INDEX_LIFECYCLE_ENABLED,
                    Type.BOOLEAN,
                    true,
                    Importance.MEDIUM,
                    "Where the cluster has ILM, install the seed's policy (rollover at 7 d or 5 GB, delete after 90 d)"
                            + " and name it in the template. Caution: after a rollover, updates and deletes through the"
                            + " write alias reach only the newest index, so a run started before it gets a second"
                            + " document; and the delete phase removes documents of runs still in the database."
                            + " Set false to keep one index (no ILM) until writes are rollover-aware.");

    private final Map<String, String> settings;

    /** @param settings every setting, passthrough keys included */
    public VisibilityIndexerConfig(Map<String, String> settings) {
        super(DEF, settings, false);
        this.settings = Map.copyOf(settings);
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
     * @return the Kafka Streams properties: at-least-once, a 1 s commit interval, a 10 s session timeout, then
     *     {@code kafka.*}, then
     *     {@code streams.*} (which may override anything)
     */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, DEFAULT_COMMIT_INTERVAL_MS);
        // no global stores here; enabling it keeps the behaviour Kafka will default to and silences a warning
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // a crashed instance's partitions move after 10 s instead of the consumer default of 45 s
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, DEFAULT_SESSION_TIMEOUT_MS);
        props.putAll(kafkaClientProperties());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, getString(APPLICATION_ID));
        props.putAll(ConfigSources.withPrefix(settings, STREAMS_PREFIX));
        return props;
    }

    /** A validator that describes itself in {@code --help}. */
    private static ConfigDef.Validator validator(String description, BiConsumer<String, Object> check) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                check.accept(name, value);
            }

            @Override
            public String toString() {
                return description;
            }
        };
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

    private static void validateTimeValue(String name, Object value) {
        if (value == null || !TIME_VALUE.matcher(value.toString()).matches()) {
            throw new ConfigException(name, value, "a time value such as 1s, 500ms or -1");
        }
    }
}
