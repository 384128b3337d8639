package io.temporalcdc.indexer;

import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visibility indexer's topology: the two visibility tables' change topics → the documents topic. No I/O
 * happens here; Elasticsearch is written by the bulk sink that reads the documents topic.
 *
 * <pre>
 * executions-source ─────────────── executions-mapper ───────────────┐
 * custom-search-attributes-source ─ custom-search-attributes-mapper ─┴─ row-changes (repartition by row key)
 *     → document-joiner [visibility-documents-state] → documents-sink (&lt;prefix&gt;.visibility.documents)
 * </pre>
 *
 * The mappers decode, map and type each row and place the change in commit order; a record they refuse goes to
 * the dead-letter topic through {@link DeadLetterProcessingHandler}. The joiner keeps both tables of each row and
 * writes the joined document with its external version.
 */
public final class VisibilityIndexerTopology {
    /** Source of the executions table. */
    public static final String EXECUTIONS_SOURCE = "executions-source";
    /** Source of the custom search attributes table. */
    public static final String CUSTOM_SOURCE = "custom-search-attributes-source";
    /** Mapper of the executions table. */
    public static final String EXECUTIONS_MAPPER = "executions-mapper";
    /** Mapper of the custom search attributes table. */
    public static final String CUSTOM_MAPPER = "custom-search-attributes-mapper";
    /** The repartition between the mappers and the joiner (topic {@code <application.id>-row-changes-repartition}). */
    public static final String ROW_CHANGES = "row-changes";
    /** The joiner. */
    public static final String JOINER = "document-joiner";
    /** The joiner's store (changelog {@code <application.id>-visibility-documents-state-changelog}). */
    public static final String STORE = "visibility-documents-state";
    /** The sink of the documents topic. */
    public static final String DOCUMENTS_SINK = "documents-sink";

    /** A change committed within this window that is refused as older is a stale write, not a replay. */
    public static final java.time.Duration STALE_FRESHNESS = java.time.Duration.ofMinutes(10);

    private static final Logger LOG = LoggerFactory.getLogger(VisibilityIndexerTopology.class);

    private VisibilityIndexerTopology() {}

    /**
     * What the topology needs besides its decoder.
     *
     * @param topicPrefix the CDC topic prefix: sources {@code <prefix>.temporal_visibility.executions} and
     *     {@code <prefix>.temporal_visibility.custom_search_attributes}, output {@code <prefix>.visibility.documents}
     * @param attributes the known search attributes
     * @param epochs the version epochs
     * @param registry where the indexer's meters live
     */
    public record Settings(
            String topicPrefix, SearchAttributeRegistry attributes, VersionEpochs epochs, MeterRegistry registry) {
        public Settings {
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(attributes, "attributes");
            Objects.requireNonNull(epochs, "epochs");
            Objects.requireNonNull(registry, "registry");
        }
    }

    /** @return the topology, ready for {@code new KafkaStreams(...)} or a {@code TopologyTestDriver} */
    public static Topology build(Settings settings, ChangeEventDecoder decoder) {
        IndexerMetrics metrics = IndexerMetrics.of(settings.registry());
        VisibilityDocumentMapper mapper = new VisibilityDocumentMapper(settings.attributes(), dropped(metrics));
        String prefix = settings.topicPrefix();
        String executionsTopic = Topics.visibilityExecutions(prefix);
        String customTopic = Topics.visibilityCustomSearchAttributes(prefix);

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray())
                        .withCachingEnabled());
        KStream<String, byte[]> executions = builder.stream(
                        executionsTopic,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(EXECUTIONS_SOURCE))
                .process(
                        () -> new RowChangeMapper(
                                RowChange.Side.EXECUTIONS,
                                executionsTopic,
                                decoder,
                                mapper,
                                settings.epochs(),
                                metrics),
                        Named.as(EXECUTIONS_MAPPER));
        KStream<String, byte[]> custom = builder.stream(
                        customTopic,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(CUSTOM_SOURCE))
                .process(
                        () -> new RowChangeMapper(
                                RowChange.Side.CUSTOM_ATTRIBUTES,
                                customTopic,
                                decoder,
                                mapper,
                                settings.epochs(),
                                metrics),
                        Named.as(CUSTOM_MAPPER));
        executions
                .merge(custom, Named.as(ROW_CHANGES + "-merge"))
                .repartition(Repartitioned.<String, byte[]>as(ROW_CHANGES)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.ByteArray()))
                .process(() -> new DocumentJoiner(STORE, metrics, STALE_FRESHNESS), Named.as(JOINER), STORE)
                .to(
                        Topics.visibilityDocuments(prefix),
                        Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DOCUMENTS_SINK));
        return builder.build();
    }

    /** Counts every unknown attribute left out, and logs each name once. */
    private static java.util.function.Consumer<String> dropped(IndexerMetrics metrics) {
        Set<String> logged = ConcurrentHashMap.newKeySet();
        return name -> {
            metrics.droppedAttribute();
            if (logged.add(name)) {
                LOG.warn(
                        "Search attribute {} is not registered (search.attributes): left out of its documents"
                                + " (search.attributes.unknown=drop); counted in"
                                + " visibility_indexer_unknown_attributes_dropped_total",
                        name);
            }
        };
    }
}
