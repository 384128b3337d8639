package io.temporalcdc.invalidator;

import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.UnmappableChangeException;
import io.temporalcdc.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The cache invalidator's topology: the change topics of the six tables → the invalidations topic. Stateless, no
 * I/O; Redis is written by the sink that reads the invalidations topic.
 *
 * <pre>
 * changes-source (six change topics) → keys-mapper → invalidations-sink (&lt;prefix&gt;.cache.invalidations)
 * </pre>
 *
 * The mapper decodes each change and forwards one record per key it invalidates ({@link InvalidationRules}), keyed
 * by the Redis key, so every invalidation of a key lands in one partition, in order. A record it cannot decode or
 * map, and a TRUNCATE (it names no key), goes to the dead-letter topic through the shared processing handler; the
 * partition carries on.
 */
public final class CacheInvalidatorTopology {
    /** The source of the six change topics. */
    public static final String SOURCE = "changes-source";
    /** The mapper. */
    public static final String MAPPER = "keys-mapper";
    /** The sink of the invalidations topic. */
    public static final String SINK = "invalidations-sink";

    private CacheInvalidatorTopology() {}

    /**
     * What the topology needs.
     *
     * @param regions the regions read: every region's change topics; with several, {@code temporal.executions}'
     *     changes also carry their run's conflict version for the winner fences
     */
    public record Settings(String topicPrefix, InvalidatorMetrics metrics, SourceRegions regions) {
        /** One region. */
        public Settings(String topicPrefix, InvalidatorMetrics metrics) {
            this(topicPrefix, metrics, SourceRegions.single());
        }

        public Settings {
            Objects.requireNonNull(regions, "regions");
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(metrics, "metrics");
        }
    }

    /** Builds the topology. */
    public static Topology build(Settings settings, ChangeEventDecoder decoder) {
        Map<String, InvalidationRules.Source> rules =
                InvalidationRules.sources(settings.topicPrefix(), settings.regions());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(
                        List.copyOf(rules.keySet()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new KeysMapper(rules, decoder, settings.metrics()), Named.as(MAPPER))
                .to(
                        Topics.cacheInvalidations(settings.topicPrefix()),
                        Produced.with(Serdes.String(), Serdes.ByteArray()).withName(SINK));
        return builder.build();
    }

    /** Decodes a change and forwards one invalidation per key. */
    static final class KeysMapper implements Processor<byte[], byte[], String, byte[]> {
        private final Map<String, InvalidationRules.Source> rules;
        private final ChangeEventDecoder decoder;
        private final InvalidatorMetrics metrics;
        private ProcessorContext<String, byte[]> context;

        KeysMapper(
                Map<String, InvalidationRules.Source> rules, ChangeEventDecoder decoder, InvalidatorMetrics metrics) {
            this.rules = rules;
            this.decoder = decoder;
            this.metrics = metrics;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata()
                    .map(metadata -> metadata.topic())
                    .orElseThrow(() -> new IllegalStateException("a source record without a topic"));
            InvalidationRules.Source source = rules.get(topic);
            if (source == null) {
                throw new IllegalStateException("no invalidation rule for topic " + topic);
            }
            ChangeEvent event = decoder.decode(topic, record.key(), record.value());
            if (event.op() == ChangeEvent.Op.TOMBSTONE) {
                metrics.tombstone();
                return;
            }
            if (event.op() == ChangeEvent.Op.TRUNCATE) {
                metrics.truncate();
                throw new UnmappableChangeException("TRUNCATE of " + topic + " names no key: flush the "
                        + (source.rule() == InvalidationRules.Rule.WORKFLOW ? "wf_meta:*" : "tq_info:*")
                        + " keys by hand (see the cache-invalidator README)");
            }
            Set<String> keys = InvalidationRules.keys(source.rule(), event);
            // a delete names no winner: its before image (REPLICA IDENTITY DEFAULT) has the key only, and the run's
            // state ends at the versions its last change named
            InvalidationRecord.Winner winner = null;
            if (source.versioned() && event.op() != ChangeEvent.Op.DELETE) {
                try {
                    winner = InvalidationRules.winner(source, event);
                } catch (UnmappableChangeException e) {
                    // the keys are invalidated all the same: only the winner fence is not raised
                    metrics.winnerUnreadable(topic + ": " + e.getMessage());
                }
            }
            metrics.mapped(keys.size());
            byte[] value = topic.getBytes(StandardCharsets.UTF_8);
            long tsMs = event.source() == null ? -1 : event.source().tsMs();
            for (String key : keys) {
                context.forward(new Record<>(
                        key,
                        value,
                        record.timestamp(),
                        winner == null ? InvalidationRecord.headers(tsMs) : InvalidationRecord.headers(tsMs, winner)));
            }
        }
    }
}
