package io.temporalcdc.crossregion;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.DecodingException;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.schemas.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The pure topology: every region's change topics of the compared tables (the local region's as cdc-source names them,
 * the others' as MirrorMaker 2 mirrors them) → each change as a {@link RowChange} (region from the
 * {@value Topics#REGION_HEADER} header, else from the topic) → repartitioned by table and key, so every region's
 * changes of one row meet in one task → the {@link ReplicationLedger} over the {@value #ROWS_STORE} store → {@code
 * <prefix>.replication-events}. A wall-clock punctuation opens the divergences of the rows in {@value
 * #DISAGREEMENTS_STORE}.
 */
public final class CrossRegionTopology {
    public static final String ROWS_STORE = "rows";
    public static final String DISAGREEMENTS_STORE = "disagreements";
    static final String SOURCE = "change-topics";
    static final String CHANGES = "row-changes";
    static final String REPARTITION = "by-row";
    static final String LEDGER = "ledger";
    static final String SINK = "replication-events";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the topology needs besides the decoder. */
    public record Settings(
            String topicPrefix,
            String localRegion,
            String primaryRegion,
            Set<String> regions,
            List<String> tables,
            Duration bound,
            Duration checkInterval,
            ReplicationStatus status,
            EventFormat events) {
        /** JSON events. */
        public Settings(
                String topicPrefix,
                String localRegion,
                String primaryRegion,
                Set<String> regions,
                List<String> tables,
                Duration bound,
                Duration checkInterval,
                ReplicationStatus status) {
            this(
                    topicPrefix,
                    localRegion,
                    primaryRegion,
                    regions,
                    tables,
                    bound,
                    checkInterval,
                    status,
                    EventFormat.json());
        }
    }

    private CrossRegionTopology() {}

    public static Topology build(Settings settings, ChangeEventDecoder decoder) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(ROWS_STORE), Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(DISAGREEMENTS_STORE), Serdes.String(), Serdes.Long()));
        builder.stream(
                        changeTopics(
                                settings.topicPrefix(), settings.localRegion(), settings.regions(), settings.tables()),
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new RowChanges(settings, decoder), Named.as(CHANGES))
                .repartition(
                        Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(REPARTITION))
                .process(() -> new Ledger(settings), Named.as(LEDGER), ROWS_STORE, DISAGREEMENTS_STORE)
                .to(
                        Topics.replicationEvents(settings.topicPrefix()),
                        Produced.with(Serdes.String(), Serdes.ByteArray()).withName(SINK));
        return builder.build();
    }

    /**
     * @return the change topics compared: {@code <prefix>.<table>} of the local region and, for every other region r,
     *     {@code r.<prefix>.<table>} (MirrorMaker 2's name for r's topic)
     */
    public static List<String> changeTopics(
            String prefix, String localRegion, Set<String> regions, List<String> tables) {
        List<String> ordered = new java.util.ArrayList<>(List.of(localRegion));
        regions.stream().filter(r -> !r.equals(localRegion)).forEach(ordered::add);
        return new SourceRegions(localRegion, ordered)
                .allTopics(tables.stream().map(table -> prefix + "." + table).toList());
    }

    /** The region of a record: its header, else the mirrored topic's prefix, else the local region. */
    static String region(Iterable<Header> headers, String topic, String prefix, String localRegion) {
        Header header = null;
        for (Header h : headers) {
            if (h.key().equals(Topics.REGION_HEADER)) {
                header = h;
            }
        }
        if (header != null && header.value() != null) {
            return new String(header.value(), StandardCharsets.UTF_8);
        }
        if (topic.startsWith(prefix + ".")) {
            return localRegion;
        }
        return topic.substring(0, topic.indexOf('.'));
    }

    /** Decodes each change into a {@link RowChange} keyed by its row. */
    static final class RowChanges implements Processor<byte[], byte[], String, byte[]> {
        private final Settings settings;
        private final ChangeEventDecoder decoder;
        private ProcessorContext<String, byte[]> context;

        RowChanges(Settings settings, ChangeEventDecoder decoder) {
            this.settings = settings;
            this.decoder = decoder;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata().orElseThrow().topic();
            ChangeEvent event = decoder.decode(topic, record.key(), record.value());
            String version = RowVersions.of(event);
            if (version == null || event.key() == null || event.source() == null) {
                return; // a tombstone (its delete came before it) or a truncate: no row
            }
            String region = region(record.headers(), topic, settings.topicPrefix(), settings.localRegion());
            if (!settings.regions().contains(region)) {
                throw new DecodingException("the record's region \"" + region + "\" (header " + Topics.REGION_HEADER
                        + " or topic " + topic + ") is not one of regions " + settings.regions());
            }
            RowChange change = new RowChange(
                    event.source().schema() + "." + event.source().table(),
                    RowVersions.canonical(event.key()),
                    region,
                    version,
                    event.source().tsMs(),
                    record.timestamp(),
                    event.source().snapshot());
            context.forward(record.withKey(change.rowKey()).withValue(write(change)));
        }
    }

    /** Keeps the rows' state and writes the events. */
    static final class Ledger implements Processor<String, byte[], String, byte[]> {
        private final Settings settings;
        private final ReplicationLedger ledger;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> rows;
        private KeyValueStore<String, Long> disagreements;
        /** The divergences of this task in the status, to take out when the task leaves this instance. */
        private final Set<String> divergent = new java.util.HashSet<>();

        Ledger(Settings settings) {
            this.settings = settings;
            this.ledger = new ReplicationLedger(settings.regions(), settings.primaryRegion(), settings.bound());
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.rows = context.getStateStore(ROWS_STORE);
            this.disagreements = context.getStateStore(DISAGREEMENTS_STORE);
            // the divergences open on this task's partition, for the status after a restart or a rebalance
            try (KeyValueIterator<String, Long> all = disagreements.all()) {
                while (all.hasNext()) {
                    KeyValue<String, Long> entry = all.next();
                    RowState state = state(entry.key);
                    if (state.divergent()) {
                        settings.status().opened(table(entry.key), key(entry.key), state.divergenceOpenedMs());
                        divergent.add(entry.key);
                    }
                }
            }
            context.schedule(settings.checkInterval(), PunctuationType.WALL_CLOCK_TIME, this::expire);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            RowChange change = read(record.value(), RowChange.class);
            RowState state = state(record.key());
            long now = context.currentSystemTimeMs();
            List<ReplicationEvent> events = ledger.apply(state, change, now);
            save(record.key(), state);
            for (ReplicationEvent event : events) {
                emit(event, now);
            }
        }

        private void expire(long now) {
            List<KeyValue<String, Long>> waiting = new java.util.ArrayList<>();
            try (KeyValueIterator<String, Long> all = disagreements.all()) {
                all.forEachRemaining(waiting::add);
            }
            for (KeyValue<String, Long> entry : waiting) {
                RowState state = state(entry.key);
                ReplicationEvent opened = ledger.expire(table(entry.key), key(entry.key), state, now);
                if (opened != null) {
                    save(entry.key, state);
                    emit(opened, now);
                }
            }
        }

        private void emit(ReplicationEvent event, long now) {
            switch (event.type()) {
                case ReplicationEvent.REPLICATED -> settings.status().replicated(event.table(), event.lagMs());
                case ReplicationEvent.DIVERGENCE_OPENED -> {
                    settings.status().opened(event.table(), event.key(), event.atMs());
                    divergent.add(event.table() + '\0' + event.key());
                }
                case ReplicationEvent.DIVERGENCE_CLOSED -> {
                    settings.status().closed(event.table(), event.key());
                    divergent.remove(event.table() + '\0' + event.key());
                }
                default -> throw new IllegalStateException("unknown event " + event.type());
            }
            context.forward(new Record<>(
                    event.table() + "/" + event.key(), settings.events().write(event), now));
        }

        /** The task leaves this instance (revoked, migrated, closed): its divergences leave the status with it. */
        @Override
        public void close() {
            for (String rowKey : divergent) {
                settings.status().closed(table(rowKey), key(rowKey));
            }
            divergent.clear();
        }

        private RowState state(String rowKey) {
            byte[] bytes = rows.get(rowKey);
            return bytes == null ? new RowState() : read(bytes, RowState.class);
        }

        private void save(String rowKey, RowState state) {
            if (ledger.removable(state)) {
                rows.delete(rowKey);
            } else {
                rows.put(rowKey, write(state));
            }
            if (state.disagreeSinceMs() >= 0) {
                disagreements.put(rowKey, state.disagreeSinceMs());
            } else {
                disagreements.delete(rowKey);
            }
        }
    }

    static String table(String rowKey) {
        return rowKey.substring(0, rowKey.indexOf('\0'));
    }

    static String key(String rowKey) {
        return rowKey.substring(rowKey.indexOf('\0') + 1);
    }

    static byte[] write(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T> T read(byte[] bytes, Class<T> type) {
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
