package io.temporalcdc.invalidator;

import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.invalidator.reader.Lsn;
import io.temporalcdc.invalidator.redis.InvalidationWriter;
import io.temporalcdc.invalidator.redis.RedisConnector;
import io.temporalcdc.invalidator.redis.WalPosition;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache invalidator deployable: the {@link CacheInvalidatorTopology} in Kafka Streams (six change topics → the
 * invalidations topic) and an {@link AcknowledgingSink} with an {@link InvalidationWriter} (invalidations topic →
 * Redis, offsets committed only past what Redis acknowledged), on the shared {@link StreamsWithSink}.
 */
public final class CacheInvalidatorApp {
    /** Default port of {@code /health} and {@code /metrics}. */
    public static final int DEFAULT_HTTP_PORT = 8084;

    private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidatorApp.class);
    private static final Duration KAFKA_PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SINK_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    /** Invalidation records are small (a key and a topic name): a batch is bounded by its record count first. */
    static final long MAX_BATCH_BYTES = 8L * 1024 * 1024;
    /** Keys per {@code invalidate.lua} call: a call runs atomically, so it stays well under a millisecond. */
    static final int KEYS_PER_CALL = 200;
    /** How long the invalidations topic keeps a key's latest record after compaction could drop older ones. */
    static final Duration INVALIDATIONS_MIN_COMPACTION_LAG = Duration.ofMinutes(10);
    /**
     * An invalidation older than the longest TTL involved (a fence's: twice {@code wf_meta:}'s 600 s) changes nothing:
     * the invalidations topic keeps a day, not one record per key ever invalidated.
     */
    static final Duration INVALIDATIONS_RETENTION = Duration.ofDays(1);

    private CacheInvalidatorApp() {}

    public static void main(String[] args) {
        App.run("cache-invalidator", args, CacheInvalidatorConfig.DEF, DEFAULT_HTTP_PORT, CacheInvalidatorApp::start);
    }

    /** The {@link App.Starter}: returns what closes the running invalidator. */
    public static AutoCloseable start(Map<String, String> settings, AppContext ctx) throws Exception {
        CacheInvalidatorConfig config = new CacheInvalidatorConfig(settings);
        Preflight.kafka(
                CacheInvalidatorConfig.KAFKA_BOOTSTRAP_SERVERS,
                config.kafkaClientProperties(),
                KAFKA_PREFLIGHT_TIMEOUT);
        WalPosition wal = new WalPosition(
                config.getString(CacheInvalidatorConfig.DATABASE_URL),
                config.getString(CacheInvalidatorConfig.DATABASE_USER),
                config.password(CacheInvalidatorConfig.DATABASE_PASSWORD));
        List<AutoCloseable> opened = new ArrayList<>();
        opened.add(wal);
        try {
            long position = Preflight.check(
                    CacheInvalidatorConfig.DATABASE_URL,
                    "the PostgreSQL primary at " + config.getString(CacheInvalidatorConfig.DATABASE_URL)
                            + " (SELECT pg_current_wal_lsn())",
                    wal::currentNow);
            RedisConnector redis = Preflight.check(
                    CacheInvalidatorConfig.REDIS_URI, "Redis (connect and load the invalidation script)", () -> {
                        RedisConnector connector = RedisConnector.connect(
                                config.getString(CacheInvalidatorConfig.REDIS_URI),
                                config.password(CacheInvalidatorConfig.REDIS_PASSWORD));
                        try {
                            connector.connection().sync().scriptLoad(CacheScripts.INVALIDATE.text());
                            warnIfFencesCanBeEvicted(connector);
                            return connector;
                        } catch (RuntimeException e) {
                            connector.close();
                            throw e;
                        }
                    });
            opened.add(0, redis);
            String prefix = config.getString(CacheInvalidatorConfig.TOPIC_PREFIX);
            Preflight.check(CacheInvalidatorConfig.TOPIC_PREFIX, "preparing the topics", () -> {
                KafkaTopics.ensure(config.kafkaClientProperties(), topics(config));
                return null;
            });
            InvalidatorMetrics metrics = new InvalidatorMetrics(ctx.registry());
            StreamsWithSink running = StreamsWithSink.start(
                    new StreamsWithSink.Parts(
                            CacheInvalidatorTopology.build(
                                    new CacheInvalidatorTopology.Settings(prefix, metrics, config.regions()),
                                    // only the key columns: the rows' memos and search attributes stay unbuilt
                                    StreamsAppKeys.decoder(config, InvalidationRules.COLUMNS, ctx.registry())),
                            streamsProperties(config, metrics),
                            config.kafkaClientProperties(),
                            sinkSettings(config),
                            new InvalidationWriter(
                                    redis.connection(),
                                    wal,
                                    metrics,
                                    config.waitReplicas(),
                                    config.duration(CacheInvalidatorConfig.REDIS_WAIT_TIMEOUT),
                                    KEYS_PER_CALL),
                            "Redis"),
                    ctx);
            opened.add(0, running);
            LOG.info(
                    "Invalidating {} from {} tables of regions {} through {} (fences from {}, now at {}; WAIT for {}"
                            + " replicas; dead letters: {})",
                    redis.describe(),
                    Topics.cacheInvalidatorSources(prefix).size(),
                    config.regions().multiple() ? config.regions().regions() : "(local)",
                    Topics.cacheInvalidations(prefix),
                    config.getString(CacheInvalidatorConfig.DATABASE_URL),
                    Lsn.format(position),
                    config.waitReplicas(),
                    Topics.cacheInvalidatorDlq(prefix));
            return () -> closeAll(opened);
        } catch (Exception | Error e) {
            closeAll(opened);
            throw e;
        }
    }

    /** A fence evicted before it expires lets a lagging reader's fill through: say so when the policy evicts. */
    private static void warnIfFencesCanBeEvicted(RedisConnector redis) {
        try {
            Map<String, String> policy = redis.connection().sync().configGet("maxmemory-policy");
            String value = policy.getOrDefault("maxmemory-policy", "noeviction");
            if (!"noeviction".equals(value)) {
                LOG.warn(
                        "Redis evicts keys under memory pressure (maxmemory-policy {}): a fence evicted before it"
                                + " expires lets a lagging reader cache an old value; give Redis room or use"
                                + " noeviction (cache-invalidator README, \"Version fences\")",
                        value);
            }
        } catch (RuntimeException e) {
            // CONFIG is often renamed or forbidden on managed Redis: nothing to check then
            LOG.debug("Could not read maxmemory-policy: {}", e.getMessage());
        }
    }

    private static void closeAll(List<AutoCloseable> opened) {
        for (AutoCloseable closeable : opened) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("Closing {}", closeable, e);
            }
        }
    }

    static AcknowledgingSink.Settings sinkSettings(CacheInvalidatorConfig config) {
        String prefix = config.getString(CacheInvalidatorConfig.TOPIC_PREFIX);
        return new AcknowledgingSink.Settings(
                "cache.invalidator",
                List.of(Topics.cacheInvalidations(prefix)),
                config.getInt(CacheInvalidatorConfig.BATCH_MAX_RECORDS),
                MAX_BATCH_BYTES,
                config.duration(CacheInvalidatorConfig.BATCH_LINGER),
                config.getInt(CacheInvalidatorConfig.BATCH_MAX_IN_FLIGHT),
                RetryPolicy.forDuration(
                        Duration.ofMillis(100),
                        Duration.ofSeconds(5),
                        config.duration(CacheInvalidatorConfig.RETRY_MAX_DURATION)),
                Duration.ofSeconds(1),
                SINK_SHUTDOWN_TIMEOUT,
                Topics.cacheInvalidatorDlq(prefix),
                true);
    }

    static Map<String, Object> streamsProperties(CacheInvalidatorConfig config, InvalidatorMetrics metrics) {
        Map<String, Object> props = config.streamsProperties();
        String prefix = config.getString(CacheInvalidatorConfig.TOPIC_PREFIX);
        StreamsErrorHandling.configure(
                props,
                Topics.cacheInvalidatorDlq(prefix),
                List.of(Topics.cacheInvalidations(prefix)),
                metrics.deadLetters(),
                metrics.productionErrors());
        return props;
    }

    /**
     * The topics the invalidator reads and writes, as it creates them when missing: the change topics with
     * cdc-source's spec (compacted); the invalidations topic compacted (a key's latest invalidation is all that
     * matters) and deleted after {@link #INVALIDATIONS_RETENTION}; the dead-letter topic.
     */
    static List<KafkaTopics.Spec> topics(CacheInvalidatorConfig config) {
        String prefix = config.getString(CacheInvalidatorConfig.TOPIC_PREFIX);
        Optional<Integer> partitions = Optional.of(config.getInt(CacheInvalidatorConfig.TOPIC_PARTITIONS));
        Optional<Short> replication = Optional.of(config.getShort(CacheInvalidatorConfig.TOPIC_REPLICATION_FACTOR));
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        List<KafkaTopics.Spec> specs = new ArrayList<>();
        for (String topic : config.regions().allTopics(Topics.cacheInvalidatorSources(prefix))) {
            specs.add(new KafkaTopics.Spec(topic, partitions, replication, compact));
        }
        specs.add(new KafkaTopics.Spec(
                Topics.cacheInvalidations(prefix),
                partitions,
                replication,
                Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG,
                        TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                        Long.toString(INVALIDATIONS_MIN_COMPACTION_LAG.toMillis()),
                        TopicConfig.RETENTION_MS_CONFIG,
                        Long.toString(INVALIDATIONS_RETENTION.toMillis()))));
        specs.add(new KafkaTopics.Spec(Topics.cacheInvalidatorDlq(prefix), Optional.empty(), replication, Map.of()));
        return specs;
    }
}
