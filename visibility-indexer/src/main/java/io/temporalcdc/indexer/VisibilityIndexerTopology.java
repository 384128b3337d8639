package io.temporalcdc.indexer;

import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.util.List;
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
    /** Source of {@code temporal.executions}, read only with several regions (the runs' conflict versions). */
    public static final String VERSIONS_SOURCE = "execution-versions-source";
    /** The table whose rows carry the runs' conflict versions. */
    public static final String EXECUTIONS_TABLE = "executions";
    /** Mapper of {@code temporal.executions}' conflict versions. */
    public static final String VERSIONS_MAPPER = "execution-versions-mapper";
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
     * @param regions the regions read: with several, each table's topic of every region, and {@code
     *     temporal.executions}' to decide between them
     */
    public record Settings(
            String topicPrefix,
            SearchAttributeRegistry attributes,
            VersionEpochs epochs,
            MeterRegistry registry,
            SourceRegions regions) {
        /** One region. */
        public Settings(
                String topicPrefix, SearchAttributeRegistry attributes, VersionEpochs epochs, MeterRegistry registry) {
            this(topicPrefix, attributes, epochs, registry, SourceRegions.single());
        }

        public Settings {
            Objects.requireNonNull(regions, "regions");
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
        SourceRegions regions = settings.regions();
        KStream<String, byte[]> executions = mapped(
                builder,
                settings,
                decoder,
                mapper,
                metrics,
                RowChange.Side.EXECUTIONS,
                executionsTopic,
                EXECUTIONS_SOURCE,
                EXECUTIONS_MAPPER);
        KStream<String, byte[]> custom = mapped(
                builder,
                settings,
                decoder,
                mapper,
                metrics,
                RowChange.Side.CUSTOM_ATTRIBUTES,
                customTopic,
                CUSTOM_SOURCE,
                CUSTOM_MAPPER);
        KStream<String, byte[]> changes = executions.merge(custom, Named.as(ROW_CHANGES + "-merge"));
        if (regions.multiple()) {
            changes = changes.merge(
                    mapped(
                            builder,
                            settings,
                            decoder,
                            mapper,
                            metrics,
                            RowChange.Side.EXECUTION_VERSION,
                            Topics.table(prefix, Topics.TEMPORAL_SCHEMA, EXECUTIONS_TABLE),
                            VERSIONS_SOURCE,
                            VERSIONS_MAPPER),
                    Named.as(ROW_CHANGES + "-versions-merge"));
        }
        changes.repartition(Repartitioned.<String, byte[]>as(ROW_CHANGES)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.ByteArray()))
                .process(
                        () -> new DocumentJoiner(STORE, regions.local(), metrics, STALE_FRESHNESS),
                        Named.as(JOINER),
                        STORE)
                .to(
                        Topics.visibilityDocuments(prefix),
                        Produced.with(Serdes.String(), Serdes.ByteArray()).withName(DOCUMENTS_SINK));
        return builder.build();
    }

    /** @return one table's changes from every region, mapped */
    private static KStream<String, byte[]> mapped(
            StreamsBuilder builder,
            Settings settings,
            ChangeEventDecoder decoder,
            VisibilityDocumentMapper mapper,
            IndexerMetrics metrics,
            RowChange.Side side,
            String localTopic,
            String sourceName,
            String mapperName) {
        return builder.stream(
                        List.copyOf(settings.regions().topics(localTopic).values()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(sourceName))
                .process(
                        () -> new RowChangeMapper(
                                side, localTopic, settings.regions(), decoder, mapper, settings.epochs(), metrics),
                        Named.as(mapperName));
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
