package io.temporalcdc.runtime.streams;

import io.temporalcdc.runtime.ConfigSources;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties every stream app of the project starts from. */
public final class StreamsDefaults {
    /** Prefix of settings passed to every Kafka client. */
    public static final String KAFKA_PREFIX = "kafka.";
    /** Prefix of settings passed to Kafka Streams. */
    public static final String STREAMS_PREFIX = "streams.";
    /** Default commit interval: small, so a restart replays little. */
    public static final int COMMIT_INTERVAL_MS = 1_000;
    /**
     * Default producer batch size: 256 KiB (Kafka's default is 16 KiB). A producer holds a batch per partition it has
     * records for, within {@code buffer.memory} (32 MiB): beyond about 120 partitions written per stream thread, lower
     * it or raise {@code producer.buffer.memory}.
     */
    public static final int PRODUCER_BATCH_BYTES = 256 * 1024;
    /** Default consumer session timeout: a crashed instance's partitions are reassigned after 10 s. */
    public static final int SESSION_TIMEOUT_MS = 10_000;

    private StreamsDefaults() {}

    /**
     * @param settings the app's raw settings ({@code kafka.*} and {@code streams.*} are read from them)
     * @param tuning the app's own defaults, applied over the shared ones
     * @return at-least-once, a 1 s commit interval, a 10 s session timeout, a 10 ms producer linger and 256 KiB
     *     producer batches, then {@code tuning}, then {@code kafka.*}, then the application id, then {@code
     *     streams.*} (which may override anything); a {@code linger.ms} or {@code batch.size} under {@code kafka.*}
     *     or {@code streams.*} replaces the producer default of the same name
     */
    public static Map<String, Object> properties(
            Map<String, String> settings, String applicationId, Map<String, Object> tuning) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL_MS);
        // no global stores here; enabling it keeps the behaviour Kafka will default to and silences a warning
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        // latency: records go on to the next stage within 10 ms (Streams' default linger is 100 ms per hop)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 10);
        // throughput: a produce request per 256 KiB, not per 16 KiB (the metrics aggregator, which writes a changelog
        // and a repartition record per change, went from 37,800 to 55,000 changes/s with it)
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), PRODUCER_BATCH_BYTES);
        props.putAll(tuning);
        String grace = settings.get(StreamsAppKeys.HEALTH_REBALANCE_GRACE_MS);
        props.put(
                StreamsRunner.REBALANCE_GRACE_MS,
                grace == null || grace.isBlank()
                        ? StreamsAppKeys.DEFAULT_REBALANCE_GRACE_MS
                        : Long.parseLong(grace.trim()));
        Map<String, Object> kafka = ConfigSources.withPrefix(settings, KAFKA_PREFIX);
        Map<String, Object> streams = ConfigSources.withPrefix(settings, STREAMS_PREFIX);
        props.putAll(kafka);
        // Streams prefers producer.X to X: without this, kafka.batch.size or streams.batch.size would lose to the
        // shared producer default (streams.producer.batch.size replaces it anyway)
        for (String key : List.of(ProducerConfig.LINGER_MS_CONFIG, ProducerConfig.BATCH_SIZE_CONFIG)) {
            if (kafka.containsKey(key) || streams.containsKey(key)) {
                props.remove(StreamsConfig.producerPrefix(key));
            }
        }
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.putAll(streams);
        return props;
    }
}
