package io.temporalcdc.cdcsource;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.temporalcdc.cdcsource.avro.AvroConverter;
import io.temporalcdc.runtime.App;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.ConfigSources;
import io.temporalcdc.runtime.KafkaTopics;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cdc-source deployable: preflight checks (Kafka, PostgreSQL, wal_level, replication role),
 * the publication, then the Debezium embedded engine writing every change of the temporal and
 * temporal_visibility schemas to {@code <topic.prefix>.<schema>.<table>} through an idempotent producer.
 */
public final class CdcSourceApp {

    private static final Logger LOG = LoggerFactory.getLogger(CdcSourceApp.class);
    /** Default port of /health and /metrics. */
    public static final int DEFAULT_HTTP_PORT = 8081;

    private static final Duration KAFKA_PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(3);

    private CdcSourceApp() {}

    public static void main(String[] args) {
        App.run("cdc-source", args, CdcSourceConfig.DEF, DEFAULT_HTTP_PORT, CdcSourceApp::start);
    }

    /** Checks the environment, then starts the engine; the result stops engine and producer, in that order. */
    public static AutoCloseable start(Map<String, String> settings, AppContext ctx) {
        final CdcSourceConfig config = new CdcSourceConfig(settings);
        Preflight.kafka(CdcSourceConfig.KAFKA_BOOTSTRAP_SERVERS, config.kafkaClientProps(), KAFKA_PREFLIGHT_TIMEOUT);
        final PostgresPreflight.Catalog catalog = new PostgresPreflight(config).run();
        final List<KafkaTopics.Spec> topics = ChangeTopics.of(config, catalog.tables());
        Preflight.check(CdcSourceConfig.KAFKA_BOOTSTRAP_SERVERS, "creating the change topics", () -> {
            KafkaTopics.ensure(config.kafkaClientProps(), topics);
            return null;
        });
        final SchemaRegistryClient registry = registry(config, ctx);
        final Producer<byte[], byte[]> producer =
                new KafkaProducer<>(producerProps(config), new ByteArraySerializer(), new ByteArraySerializer());
        final KafkaClientMetrics producerMetrics = new KafkaClientMetrics(producer);
        final ConnectRecordSerializer serializer = serializer(config, registry);
        CdcEngine engine = null;
        KafkaChangeConsumer consumer = null;
        try {
            // the producer learns every topic's partitions now, not one metadata round trip per topic on the first
            // change
            topics.forEach(topic -> producer.partitionsFor(topic.name()));
            producerMetrics.bindTo(ctx.registry());
            consumer = new KafkaChangeConsumer(producer, serializer, new CdcSourceMetrics(ctx.registry()), ctx::ready);
            engine = CdcEngine.start(DebeziumProperties.of(config, catalog.partitions()), consumer, ctx);
            final SlotMonitor slot = new SlotMonitor(
                            config.slotName(),
                            config.slotLagAlertBytes(),
                            config.slotMonitorInterval(),
                            () -> PostgresPreflight.open(config),
                            ctx.registry())
                    .start();
            final CdcEngine started = engine;
            final KafkaChangeConsumer sending = consumer;
            return () -> {
                slot.close();
                stop(started, sending, producer, producerMetrics, serializer, registry);
            };
        } catch (RuntimeException e) {
            if (engine != null) {
                engine.close();
            }
            if (consumer != null) {
                consumer.close();
            }
            producerMetrics.close();
            producer.close(PRODUCER_CLOSE_TIMEOUT);
            serializer.close();
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
    }

    private static void stop(
            CdcEngine engine,
            KafkaChangeConsumer consumer,
            Producer<byte[], byte[]> producer,
            KafkaClientMetrics metrics,
            ConnectRecordSerializer serializer,
            SchemaRegistryClient registry) {
        LOG.info("Stopping cdc-source: engine first (offsets flushed), then the producer");
        try {
            engine.close();
        } finally {
            consumer.close();
            metrics.close();
            producer.close(PRODUCER_CLOSE_TIMEOUT);
            serializer.close();
            if (registry != null) {
                registry.close();
            }
        }
    }

    /** Producer settings: kafka.*, then producer.*, then what at-least-once needs (idempotence, acks=all). */
    static Map<String, Object> producerProps(CdcSourceConfig config) {
        final Map<String, Object> props = new HashMap<>(config.kafkaClientProps());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "cdc-source");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // REPLICA IDENTITY FULL doubles a row in every update (before + after, bytea as base64): let a
        // large row through the producer and compress it, so only the topic's max.message.bytes limits it
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024);
        // a change with its schema is ~3 KB: Kafka's 16 KB batches would hold five; larger ones send a burst in far
        // fewer requests and compress better
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.putAll(config.producerOverrides());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return props;
    }

    /**
     * The key/value converters: Avro through the registry when {@code format=avro}, else Kafka Connect's JSON,
     * configured from debezium.key.converter.* / debezium.value.converter.*.
     */
    static ConnectRecordSerializer serializer(CdcSourceConfig config, SchemaRegistryClient registry) {
        if (config.avro()) {
            return new ConnectRecordSerializer(new AvroConverter(registry, true), new AvroConverter(registry, false));
        }
        final Map<String, Object> debezium = config.debeziumOverrides();
        return ConnectRecordSerializer.json(
                ConfigSources.withPrefix(debezium, "key.converter."),
                ConfigSources.withPrefix(debezium, "value.converter."));
    }

    /** The registry client when the topics are Avro, after checking that the registry answers; else null. */
    static SchemaRegistryClient registry(CdcSourceConfig config, AppContext ctx) {
        if (!config.avro()) {
            return null;
        }
        final SchemaRegistryClient registry = SchemaRegistryClient.of(config.schemaRegistryUrl(), ctx.registry());
        Preflight.check(CdcSourceConfig.SCHEMA_REGISTRY_URL, "listing the registry's subjects", registry::subjects);
        return registry;
    }
}
