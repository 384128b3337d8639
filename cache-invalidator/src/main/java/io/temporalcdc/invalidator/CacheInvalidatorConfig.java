package io.temporalcdc.invalidator;

import io.temporalcdc.invalidator.redis.RedisConnector;
import io.temporalcdc.runtime.ConfigSources;
import io.temporalcdc.runtime.ConfigTypes;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsDefaults;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The cache invalidator's configuration, declared once. Besides the keys below, {@code kafka.*} settings go to every
 * Kafka client (prefix stripped) and {@code streams.*} settings go to Kafka Streams (prefix stripped, applied last).
 */
public final class CacheInvalidatorConfig extends AbstractConfig {
    /** Kafka bootstrap servers (required). */
    public static final String KAFKA_BOOTSTRAP_SERVERS = StreamsAppKeys.KAFKA_BOOTSTRAP_SERVERS;
    /** Kafka Streams application id: consumer group and prefix of internal topics. */
    public static final String APPLICATION_ID = StreamsAppKeys.APPLICATION_ID;
    /** The CDC topic prefix. */
    public static final String TOPIC_PREFIX = StreamsAppKeys.TOPIC_PREFIX;
    /** Partitions of the topics the invalidator creates. */
    public static final String TOPIC_PARTITIONS = StreamsAppKeys.TOPIC_PARTITIONS;
    /** Replication factor of the topics the invalidator creates. */
    public static final String TOPIC_REPLICATION_FACTOR = StreamsAppKeys.TOPIC_REPLICATION_FACTOR;
    /** Redis to invalidate: {@code redis://…} or {@code redis-sentinel://…#master} (required). */
    public static final String REDIS_URI = "redis.uri";
    /** Password of the Redis data nodes (optional; overrides one in the URI). */
    public static final String REDIS_PASSWORD = "redis.password";
    /** Replicas that must hold a batch's invalidations before it counts as written ({@code WAIT}). */
    public static final String REDIS_WAIT_REPLICAS = "redis.wait.replicas";
    /** How long {@code WAIT} waits for the replicas. */
    public static final String REDIS_WAIT_TIMEOUT = "redis.wait.timeout";
    /** Most records in one batch of invalidations. */
    public static final String BATCH_MAX_RECORDS = "redis.batch.max.records";
    /** How long a partial batch waits for more records. */
    public static final String BATCH_LINGER = "redis.batch.linger";
    /** Batches in flight at once. */
    public static final String BATCH_MAX_IN_FLIGHT = "redis.batch.max.in.flight";
    /** How long a write may keep failing transiently before the app gives up (exit 1). */
    public static final String RETRY_MAX_DURATION = "redis.retry.max.duration";
    /** JDBC URL of the PostgreSQL primary whose WAL position fences each batch (required). */
    public static final String DATABASE_URL = "database.url";
    /** Database user. */
    public static final String DATABASE_USER = "database.user";
    /** Database password. */
    public static final String DATABASE_PASSWORD = "database.password";

    /** {@value} for {@link #REDIS_WAIT_REPLICAS}: 1 when the URI names sentinels, else 0. */
    public static final int WAIT_REPLICAS_AUTO = -1;

    /** The declaration of every key: doc, default, validator. Required keys have no default. */
    public static final ConfigDef DEF = SourceRegions.define(
            StreamsAppKeys.define(
                            new ConfigDef(),
                            new StreamsAppKeys.Docs(
                                    "the invalidator",
                                    "temporal-cdc-cache-invalidator",
                                    "Kafka Streams application id (consumer group, internal topic prefix); the Redis sink's group is"
                                            + " <application.id>-sink.",
                                    Topics.DEFAULT_PREFIX,
                                    "CDC topic prefix: reads <prefix>.temporal.{executions,current_executions,activity_info_maps,"
                                            + "timer_info_maps,tasks} and <prefix>.temporal_visibility.executions, writes"
                                            + " <prefix>.cache.invalidations, dead-letters to <prefix>.cache-invalidator.dlq.",
                                    "Partitions of the topics the invalidator creates when they are missing: <prefix>.cache.invalidations,"
                                            + " and change topics if it starts before cdc-source (keep the same value as cdc-source)."))
                    .define(
                            REDIS_URI,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            ConfigTypes.validator(
                                    "redis://host:port[/db], rediss://… or redis-sentinel://host:port[,host:port…][/db]#master",
                                    CacheInvalidatorConfig::validateRedisUri),
                            Importance.HIGH,
                            "The Redis to invalidate. With redis-sentinel:// the primary is found through the sentinels and"
                                    + " followed across failovers.")
                    .define(
                            REDIS_PASSWORD,
                            Type.PASSWORD,
                            null,
                            Importance.MEDIUM,
                            "Password of the Redis data nodes (AUTH); none when unset.")
                    .define(
                            REDIS_WAIT_REPLICAS,
                            Type.INT,
                            WAIT_REPLICAS_AUTO,
                            ConfigDef.Range.atLeast(-1),
                            Importance.MEDIUM,
                            "Replicas that must acknowledge a batch (Redis WAIT) before its offsets are committed, so a"
                                    + " failover cannot lose an acknowledged invalidation: what an old primary accepted after"
                                    + " it was cut off is retried on the new one. -1 = 1 with redis-sentinel://, 0 otherwise.")
                    .define(
                            REDIS_WAIT_TIMEOUT,
                            Type.STRING,
                            "1s",
                            // WAIT 0 blocks forever; a WAIT longer than the client's command timeout would time out
                            // there
                            ConfigTypes.duration("1s or 500ms", Duration.ofMillis(1), RedisConnector.COMMAND_TIMEOUT),
                            Importance.LOW,
                            "How long WAIT waits for the replicas; a batch they did not all acknowledge is retried.")
                    .define(
                            BATCH_MAX_RECORDS,
                            Type.INT,
                            2_000,
                            ConfigDef.Range.between(1, 100_000),
                            Importance.MEDIUM,
                            "Most invalidation records in one batch; a key repeated in a batch is invalidated once.")
                    .define(
                            BATCH_LINGER,
                            Type.STRING,
                            "5ms",
                            ConfigTypes.duration("5ms or 50ms"),
                            Importance.MEDIUM,
                            "How long a partial batch waits for more records before it is written.")
                    .define(
                            BATCH_MAX_IN_FLIGHT,
                            Type.INT,
                            4,
                            ConfigDef.Range.between(1, 64),
                            Importance.MEDIUM,
                            "Batches written at once.")
                    .define(
                            RETRY_MAX_DURATION,
                            Type.STRING,
                            "2m",
                            ConfigTypes.duration("2m or 120s"),
                            Importance.MEDIUM,
                            "How long a batch may keep failing transiently (Redis or PostgreSQL unreachable, a failover, WAIT"
                                    + " not satisfied) before the app exits 1; it resumes from the committed offsets when"
                                    + " restarted. Readiness is DOWN while batches are retried.")
                    .define(
                            DATABASE_URL,
                            Type.STRING,
                            ConfigDef.NO_DEFAULT_VALUE,
                            ConfigTypes.validator(
                                    "jdbc:postgresql://host:port/db", CacheInvalidatorConfig::validateJdbcUrl),
                            Importance.HIGH,
                            "JDBC URL of the PostgreSQL primary: each batch's fence is its pg_current_wal_lsn(), read after"
                                    + " the batch's changes were committed (an upper bound of their commit LSNs).")
                    .define(
                            DATABASE_USER,
                            Type.STRING,
                            "postgres",
                            Importance.HIGH,
                            "Database user (any role can read" + " pg_current_wal_lsn()).")
                    .define(DATABASE_PASSWORD, Type.PASSWORD, null, Importance.HIGH, "Database password."),
            "Every region's changes invalidate the keys they name; temporal.executions' changes also raise the key's"
                    + " winner fence {<key>}:winner to their run's conflict version (last_write_version, then"
                    + " db_record_version, then region name), so readers of any region refuse a losing region's"
                    + " state (README, \"Several regions\").");

    private final Map<String, String> settings;

    /** @param settings every setting, passthrough keys included */
    public CacheInvalidatorConfig(Map<String, String> settings) {
        super(DEF, settings, false);
        this.settings = Map.copyOf(settings);
        SourceRegions.of(this);
    }

    /** @return the regions read ({@value SourceRegions#REGIONS}, {@value SourceRegions#LOCAL_REGION}) */
    public SourceRegions regions() {
        return SourceRegions.of(this);
    }

    /** @return settings for any Kafka client: {@code kafka.*} with the prefix stripped */
    public Map<String, Object> kafkaClientProperties() {
        return ConfigSources.withPrefix(settings, StreamsDefaults.KAFKA_PREFIX);
    }

    /** @return the Kafka Streams properties: {@link StreamsDefaults#properties}, one stream thread */
    public Map<String, Object> streamsProperties() {
        Map<String, Object> tuning = new HashMap<>();
        // mapping is cheap (no state, no repartition): one thread runs every task
        tuning.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        // the six tables' relative order does not matter (each key's fence is taken when it is written)
        tuning.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        return StreamsDefaults.properties(settings, getString(APPLICATION_ID), tuning);
    }

    /** @return the value of a duration key */
    public Duration duration(String key) {
        return ConfigTypes.parseDuration(getString(key));
    }

    /** @return whether {@link #REDIS_URI} names sentinels */
    public boolean sentinel() {
        return getString(REDIS_URI).trim().startsWith("redis-sentinel://");
    }

    /** @return {@link #REDIS_WAIT_REPLICAS}, with {@link #WAIT_REPLICAS_AUTO} resolved */
    public int waitReplicas() {
        int replicas = getInt(REDIS_WAIT_REPLICAS);
        if (replicas == WAIT_REPLICAS_AUTO) {
            return sentinel() ? 1 : 0;
        }
        return replicas;
    }

    /** @return the value of a password key, or null */
    public String password(String key) {
        Password password = getPassword(key);
        return password == null ? null : password.value();
    }

    private static void validateRedisUri(String name, Object value) {
        String uri = value == null ? "" : value.toString().trim();
        if (!(uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://"))) {
            throw new ConfigException(name, value, "expected redis://, rediss:// or redis-sentinel://");
        }
        if (uri.startsWith("redis-sentinel://") && !uri.contains("#")) {
            throw new ConfigException(
                    name, value, "a redis-sentinel:// URI names its primary after '#', e.g. #mymaster");
        }
        try {
            io.lettuce.core.RedisURI.create(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    private static void validateJdbcUrl(String name, Object value) {
        if (value == null || !value.toString().startsWith("jdbc:postgresql:")) {
            throw new ConfigException(name, value, "expected jdbc:postgresql://host:port/database");
        }
    }
}
