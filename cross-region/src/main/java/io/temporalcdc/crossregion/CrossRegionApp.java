package io.temporalcdc.crossregion;

import io.micrometer.core.instrument.Counter;
import io.temporalcdc.runtime.App;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.KafkaTopics;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.runtime.streams.StreamsRunner;
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
 * The cross-region deployable: the {@link CrossRegionTopology} in Kafka Streams (exactly-once) in one region, over
 * its own change topics and the other regions' mirrored ones; {@value ReplicationStatus#PATH} on the app's HTTP port
 * next to {@code /health} and {@code /metrics}.
 */
public final class CrossRegionApp {
    /** Default port of the status, {@code /health} and {@code /metrics}. */
    public static final int DEFAULT_HTTP_PORT = 8086;

    private static final Logger LOG = LoggerFactory.getLogger(CrossRegionApp.class);
    private static final Duration KAFKA_PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);

    private CrossRegionApp() {}

    public static void main(String[] args) {
        App.run("cross-region", args, CrossRegionConfig.DEF, DEFAULT_HTTP_PORT, CrossRegionApp::start);
    }

    /** The {@link App.Starter}: returns what closes the running app. */
    public static AutoCloseable start(Map<String, String> settings, AppContext ctx) throws Exception {
        CrossRegionConfig config = new CrossRegionConfig(settings);
        Preflight.kafka(
                CrossRegionConfig.KAFKA_BOOTSTRAP_SERVERS, config.kafkaClientProperties(), KAFKA_PREFLIGHT_TIMEOUT);
        String prefix = config.getString(CrossRegionConfig.TOPIC_PREFIX);
        Optional<Short> replication = Optional.of(config.getShort(CrossRegionConfig.TOPIC_REPLICATION_FACTOR));
        Optional<Integer> partitions = Optional.of(config.getInt(StreamsAppKeys.TOPIC_PARTITIONS));
        // every change topic read, with cdc-source's spec (compacted), when cdc-source (the local ones) or MirrorMaker
        // 2
        // (the other regions', which it then fills: it creates only missing topics) has not made it yet
        List<KafkaTopics.Spec> topics = new ArrayList<>();
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        for (String topic :
                CrossRegionTopology.changeTopics(prefix, config.localRegion(), config.regions(), config.tables())) {
            topics.add(new KafkaTopics.Spec(topic, partitions, replication, compact));
        }
        topics.add(new KafkaTopics.Spec(Topics.replicationEvents(prefix), partitions, replication, Map.of()));
        topics.add(new KafkaTopics.Spec(Topics.crossRegionDlq(prefix), Optional.empty(), replication, Map.of()));
        Preflight.check(CrossRegionConfig.TOPIC_PREFIX, "preparing the topics", () -> {
            KafkaTopics.ensure(config.kafkaClientProperties(), topics);
            return null;
        });
        ReplicationStatus status = new ReplicationStatus(ctx.registry(), System::currentTimeMillis, config.tables());
        Map<String, Object> props = config.streamsProperties();
        StreamsErrorHandling.configure(
                props,
                Topics.crossRegionDlq(prefix),
                List.of(Topics.replicationEvents(prefix)),
                Counter.builder("cross.region.dlq.records")
                        .description("Records the topology sent to the dead-letter topic")
                        .register(ctx.registry()),
                Counter.builder("cross.region.production.errors")
                        .description("Records Kafka Streams failed to produce")
                        .register(ctx.registry()));
        // Avro events when a registry is configured (their schema registered before anything is written)
        String registryUrl =
                config.getString(StreamsAppKeys.SCHEMA_REGISTRY_URL).strip();
        EventFormat events = registryUrl.isEmpty()
                ? EventFormat.json()
                : Preflight.check(
                        StreamsAppKeys.SCHEMA_REGISTRY_URL,
                        "registering the events' schema",
                        () -> EventFormat.avro(
                                SchemaRegistryClient.of(registryUrl, ctx.registry()),
                                Topics.replicationEvents(prefix)));
        CrossRegionTopology.Settings topology = new CrossRegionTopology.Settings(
                prefix,
                config.localRegion(),
                config.primaryRegion(),
                config.regions(),
                config.tables(),
                config.duration(CrossRegionConfig.DIVERGENCE_BOUND),
                config.duration(CrossRegionConfig.DIVERGENCE_CHECK_INTERVAL),
                status,
                events);
        StreamsRunner runner = StreamsRunner.create(
                CrossRegionTopology.build(topology, StreamsAppKeys.decoder(config, null, ctx.registry())), props, ctx);
        try {
            ctx.route(ReplicationStatus.PATH, status);
            runner.start();
        } catch (RuntimeException | Error e) {
            runner.close();
            throw e;
        }
        LOG.info(
                "Comparing regions {} from {} ({}), tables {}: events to {} ({}), divergence after {} (status {};"
                        + " dead letters: {})",
                config.regions(),
                config.localRegion(),
                CrossRegionTopology.changeTopics(prefix, config.localRegion(), config.regions(), config.tables()),
                config.tables(),
                Topics.replicationEvents(prefix),
                events,
                config.getString(CrossRegionConfig.DIVERGENCE_BOUND),
                ReplicationStatus.PATH,
                Topics.crossRegionDlq(prefix));
        return runner;
    }
}
