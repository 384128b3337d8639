package io.temporalcdc.indexer;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.temporalcdc.indexer.elasticsearch.BulkWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.runtime.App;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.KafkaTopics;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.runtime.sink.AcknowledgingSink;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
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
    private static final Duration STREAMS_CLOSE_TIMEOUT = Duration.ofSeconds(10);
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
        IndexSettings index = indexSettings(config);
        Preflight.check(
                VisibilityIndexerConfig.ELASTICSEARCH_URL,
                "Elasticsearch at " + config.elasticsearchUrls() + " (GET _cluster/health)",
                () -> es.client().cluster().health());
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        Preflight.check(VisibilityIndexerConfig.TOPIC_PREFIX, "preparing the topics", () -> {
            KafkaTopics.ensure(config.kafkaClientProperties(), topics(config));
            return null;
        });
        Preflight.check(
                VisibilityIndexerConfig.INDEX_PREFIX,
                "installing the index " + index.alias(),
                () -> new IndexInstaller(
                                es.rest(), index, config.getBoolean(VisibilityIndexerConfig.INDEX_LIFECYCLE_ENABLED))
                        .install());
        Health health = new Health(ctx);
        Running running = new Running(ctx);
        try {
            running.streams = streams(config, ctx, health);
            running.streamsMetrics = new KafkaStreamsMetrics(running.streams);
            running.streamsMetrics.bindTo(ctx.registry());
            running.consumer = new KafkaConsumer<>(
                    sinkConsumerProperties(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            running.consumerMetrics = new KafkaClientMetrics(running.consumer);
            running.consumerMetrics.bindTo(ctx.registry());
            running.dlqProducer = new KafkaProducer<>(
                    deadLetterProducerProperties(config), new ByteArraySerializer(), new ByteArraySerializer());
            running.sink = sink(config, es, index, ctx, health, running);
            running.streams.start();
            running.sink.start();
            running.sinkStarted = true;
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
        LOG.info(
                "Indexing {} and {} into {} through {} (dead letters: {})",
                Topics.visibilityExecutions(prefix),
                Topics.visibilityCustomSearchAttributes(prefix),
                index.alias(),
                Topics.visibilityDocuments(prefix),
                Topics.visibilityIndexerDlq(prefix));
        return () -> {
            running.close();
            es.close();
        };
    }

    private static KafkaStreams streams(VisibilityIndexerConfig config, AppContext ctx, Health health) {
        Topology topology = VisibilityIndexerTopology.build(
                new VisibilityIndexerTopology.Settings(
                        config.getString(VisibilityIndexerConfig.TOPIC_PREFIX),
                        config.searchAttributes(),
                        config.versionEpochs(),
                        ctx.registry()),
                new JsonChangeEventDecoder());
        KafkaStreams streams = new KafkaStreams(topology, new StreamsConfig(streamsProperties(config, ctx)));
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            health.streams(now == KafkaStreams.State.RUNNING, "Kafka Streams is " + now);
        });
        streams.setUncaughtExceptionHandler(e -> {
            ctx.fail("stream thread failed: " + e.getMessage(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        return streams;
    }

    private static AcknowledgingSink sink(
            VisibilityIndexerConfig config,
            EsConnection es,
            IndexSettings index,
            AppContext ctx,
            Health health,
            Running running) {
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        IndexerMetrics metrics = IndexerMetrics.of(ctx.registry());
        AcknowledgingSink sink = new AcknowledgingSink(
                new AcknowledgingSink.Settings(
                        "visibility.indexer",
                        List.of(Topics.visibilityDocuments(prefix)),
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
                        Topics.visibilityIndexerDlq(prefix),
                        true),
                running.consumer,
                new BulkWriter(es.rest(), index.alias(), metrics, VisibilityIndexerTopology.STALE_FRESHNESS),
                running.dlqProducer,
                new AcknowledgingSink.Listener() {
                    @Override
                    public void healthy(boolean healthy, String reason) {
                        health.sink(healthy, reason);
                    }

                    @Override
                    public void failed(String reason, Throwable cause) {
                        ctx.fail("Elasticsearch sink failed: " + reason, cause);
                    }
                },
                ctx.registry());
        return sink;
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
        return List.of(
                new KafkaTopics.Spec(Topics.visibilityExecutions(prefix), partitions, replication, compact),
                new KafkaTopics.Spec(Topics.visibilityCustomSearchAttributes(prefix), partitions, replication, compact),
                new KafkaTopics.Spec(
                        Topics.visibilityDocuments(prefix),
                        partitions,
                        replication,
                        Map.of(
                                TopicConfig.CLEANUP_POLICY_CONFIG,
                                TopicConfig.CLEANUP_POLICY_COMPACT,
                                TopicConfig.DELETE_RETENTION_MS_CONFIG,
                                Long.toString(DOCUMENT_TOMBSTONE_RETENTION.toMillis()))),
                new KafkaTopics.Spec(Topics.visibilityIndexerDlq(prefix), Optional.empty(), replication, Map.of()));
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
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.putIfAbsent(
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProductionExceptionHandler.class);
        props.put(DeadLetterProcessingHandler.DLQ_TOPIC, Topics.visibilityIndexerDlq(prefix));
        props.put(CountingProductionExceptionHandler.DOCUMENTS_TOPIC, Topics.visibilityDocuments(prefix));
        props.put(DeadLetterProcessingHandler.METRICS, IndexerMetrics.of(ctx.registry()));
        return props;
    }

    /** The sink's consumer: its own group ({@code <application.id>-sink}), offsets committed by the sink only. */
    static Map<String, Object> sinkConsumerProperties(VisibilityIndexerConfig config) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, VisibilityIndexerConfig.DEFAULT_SESSION_TIMEOUT_MS);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.putAll(config.kafkaClientProperties());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, sinkGroupId(config));
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, sinkGroupId(config));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /** @return the sink's consumer group */
    public static String sinkGroupId(VisibilityIndexerConfig config) {
        return config.getString(VisibilityIndexerConfig.APPLICATION_ID) + "-sink";
    }

    private static Map<String, Object> deadLetterProducerProperties(VisibilityIndexerConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaClientProperties());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, sinkGroupId(config) + "-dlq");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        return props;
    }

    /** Readiness: Kafka Streams RUNNING and the sink's writes succeeding; the reason of the first that is not. */
    private static final class Health {
        private final AppContext ctx;
        private final AtomicBoolean streamsUp = new AtomicBoolean();
        private final AtomicBoolean sinkUp = new AtomicBoolean(true);
        private final AtomicReference<String> streamsReason = new AtomicReference<>("Kafka Streams is starting");
        private final AtomicReference<String> sinkReason = new AtomicReference<>("");

        Health(AppContext ctx) {
            this.ctx = ctx;
        }

        synchronized void streams(boolean up, String reason) {
            streamsUp.set(up);
            streamsReason.set(reason);
            report();
        }

        synchronized void sink(boolean up, String reason) {
            sinkUp.set(up);
            sinkReason.set(reason);
            report();
        }

        private void report() {
            boolean up = streamsUp.get() && sinkUp.get();
            ctx.ready(up, !streamsUp.get() ? streamsReason.get() : sinkReason.get());
        }
    }

    /**
     * The running parts, closed in order: the topology first (so its last documents are written), then the sink (which
     * closes its consumer), then the dead-letter producer and the metric binders. Closes whatever was created when
     * the start-up failed half-way.
     */
    private static final class Running implements AutoCloseable {
        private final AppContext ctx;
        private KafkaStreams streams;
        private KafkaStreamsMetrics streamsMetrics;
        private KafkaConsumer<byte[], byte[]> consumer;
        private KafkaClientMetrics consumerMetrics;
        private AcknowledgingSink sink;
        private boolean sinkStarted;
        private Producer<byte[], byte[]> dlqProducer;

        Running(AppContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void close() {
            ctx.ready(false, "stopping");
            if (streams != null) {
                // leave the group at once, so a restarted instance gets the partitions without waiting for the
                // session timeout
                boolean closed = streams.close(CloseOptions.timeout(STREAMS_CLOSE_TIMEOUT)
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
                if (!closed) {
                    ctx.fail("Kafka Streams did not close within " + STREAMS_CLOSE_TIMEOUT.toSeconds() + " s", null);
                }
            }
            if (sinkStarted) {
                sink.close();
            } else if (consumer != null) {
                consumer.close(Duration.ofSeconds(2));
            }
            if (dlqProducer != null) {
                dlqProducer.close(Duration.ofSeconds(2));
            }
            if (streamsMetrics != null) {
                streamsMetrics.close();
            }
            if (consumerMetrics != null) {
                consumerMetrics.close();
            }
        }
    }
}
