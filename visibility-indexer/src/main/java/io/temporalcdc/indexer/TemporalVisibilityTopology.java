package io.temporalcdc.indexer;

import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.indexer.temporal.TemporalAttributes;
import io.temporalcdc.indexer.temporal.TemporalDocumentMapper;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.schemas.Topics;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology of the {@code temporal-v12} source profile: Temporal's own SQL visibility table → the documents topic,
 * in Temporal's document shape. The change topic is keyed by the row's primary key, so each row's changes meet in
 * one task without a repartition.
 *
 * <pre>
 * temporal-visibility-source (&lt;prefix&gt;.&lt;schema&gt;.executions_visibility)
 *     → temporal-versions [temporal-visibility-versions, temporal-visibility-deletes] → documents-sink (&lt;prefix&gt;.visibility.documents)
 * </pre>
 *
 * A record that cannot be decoded or mapped goes to the dead-letter topic through the processing-exception handler,
 * as in the seed profile's topology.
 */
public final class TemporalVisibilityTopology {
    /** The source. */
    public static final String SOURCE = "temporal-visibility-source";
    /** The mapper and versioner. */
    public static final String VERSIONS = "temporal-versions";
    /** Its store (changelog {@code <application.id>-temporal-visibility-versions-changelog}). */
    public static final String STORE = "temporal-visibility-versions";
    /** The deleted rows by deletion time ({@code <application.id>-temporal-visibility-deletes-changelog}). */
    public static final String DELETES_STORE = "temporal-visibility-deletes";
    /**
     * How long a deleted run stays deleted whatever is replayed: as long as the documents topic keeps a tombstone
     * (the longest the sink may lag).
     */
    public static final java.time.Duration DELETED_RETENTION = VisibilityIndexerApp.DOCUMENT_TOMBSTONE_RETENTION;

    private static final Logger LOG = LoggerFactory.getLogger(TemporalVisibilityTopology.class);

    private TemporalVisibilityTopology() {}

    /**
     * @param topicPrefix the CDC topic prefix
     * @param schema the schema of {@code executions_visibility} in the visibility database
     * @param attributes the attribute names of the index
     * @param historyShards Temporal's {@code numHistoryShards} (0: {@code VisibilityTaskKey} left out)
     * @param registry where the indexer's meters live
     */
    public record Settings(
            String topicPrefix,
            String schema,
            TemporalAttributes attributes,
            int historyShards,
            MeterRegistry registry) {
        public Settings {
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(registry, "registry");
        }
    }

    /** @return the topology, ready for {@code new KafkaStreams(...)} or a {@code TopologyTestDriver} */
    public static Topology build(Settings settings, ChangeEventDecoder decoder) {
        IndexerMetrics metrics = IndexerMetrics.of(settings.registry());
        Set<String> logged = ConcurrentHashMap.newKeySet();
        TemporalDocumentMapper mapper = new TemporalDocumentMapper(
                settings.attributes(),
                settings.historyShards(),
                name -> {
                    metrics.droppedAttribute();
                    if (logged.add(name)) {
                        LOG.warn(
                                "Search attribute {} is not one of Temporal's (Keyword01, Int02, BuildIds, ...): left"
                                        + " out of its documents; counted in"
                                        + " visibility_indexer_unknown_attributes_dropped_total",
                                name);
                    }
                },
                invalid -> {
                    metrics.invalidAttributeValue();
                    if (logged.add(invalid.substring(0, invalid.indexOf(':')) + " (value)")) {
                        LOG.warn(
                                "Search attribute {}: left out of its document, as Temporal's Elasticsearch visibility"
                                        + " leaves such values out; counted in"
                                        + " visibility_indexer_invalid_attribute_values_dropped_total (logged once per"
                                        + " attribute)",
                                invalid);
                    }
                });
        String source = Topics.temporalVisibility(settings.topicPrefix(), settings.schema());
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(DELETES_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.stream(
                        source,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(
                        () -> new TemporalVersions(
                                STORE, DELETES_STORE, DELETED_RETENTION, source, decoder, mapper, metrics),
                        Named.as(VERSIONS),
                        STORE,
                        DELETES_STORE)
                .to(
                        Topics.visibilityDocuments(settings.topicPrefix()),
                        Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName(VisibilityIndexerTopology.DOCUMENTS_SINK));
        return builder.build();
    }
}
