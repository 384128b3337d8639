package io.temporalcdc.indexer;

import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.Retrier;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.schemas.Topics;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.Topology;

/**
 * The visibility indexer's topology: the visibility table's change topic → Elasticsearch, bad records → the
 * dead-letter topic. No I/O happens here: the writer and the decoder are given.
 *
 * <pre>
 * visibility-executions-source (bytes, bytes) → elasticsearch-indexer → dead-letter-sink
 * </pre>
 */
public final class VisibilityIndexerTopology {
    /** Name of the source node. */
    public static final String SOURCE = "visibility-executions-source";
    /** Name of the processor that writes to Elasticsearch. */
    public static final String INDEXER = "elasticsearch-indexer";
    /** Name of the dead-letter sink. */
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private VisibilityIndexerTopology() {}

    /**
     * What the topology needs besides its writer and decoder.
     *
     * @param topicPrefix the CDC topic prefix: source {@code <prefix>.temporal_visibility.executions}, dead
     *     letters {@code <prefix>.visibility-indexer.dlq}
     * @param retryPolicy how transient Elasticsearch failures are retried
     * @param registry where the indexer's meters live
     */
    public record Settings(String topicPrefix, RetryPolicy retryPolicy, MeterRegistry registry) {
        public Settings {
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(retryPolicy, "retryPolicy");
            Objects.requireNonNull(registry, "registry");
        }
    }

    /** @return the topology, ready for {@code new KafkaStreams(...)} or a {@code TopologyTestDriver} */
    public static Topology build(Settings settings, EsWriter writer, ChangeEventDecoder decoder) {
        String source = Topics.visibilityExecutions(settings.topicPrefix());
        IndexerMetrics metrics = new IndexerMetrics(settings.registry());
        Retrier retrier = new Retrier("elasticsearch", settings.retryPolicy(), settings.registry());
        Topology topology = new Topology();
        topology.addSource(SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), source);
        topology.addProcessor(INDEXER, () -> new IndexingProcessor(source, writer, decoder, retrier, metrics), SOURCE);
        topology.addSink(
                DEAD_LETTER_SINK,
                Topics.visibilityIndexerDlq(settings.topicPrefix()),
                new ByteArraySerializer(),
                new ByteArraySerializer(),
                INDEXER);
        return topology;
    }
}
