package io.temporalcdc.indexer;

import io.temporalcdc.indexer.version.DocumentVersion;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The second stage: joins the two tables of a visibility row (a KTable–KTable join kept in one store, so a
 * document's writes get one sequence of versions) and writes the document to the documents topic, keyed by its
 * id, the version in a header; a deleted executions row writes a tombstone.
 *
 * <p>Each table's changes arrive in commit order per row and region; a change that does not follow the last one
 * applied for its table (a replay of an older change) is skipped, and a redelivery of the very last one writes the
 * current document again with its current version (so a write lost before a crash is made good, and an acknowledged
 * one is answered "already there"). Either table may arrive first: the custom attributes wait in the store for their
 * executions row.
 *
 * <p>With several regions ({@code regions}), each region's tables are joined apart, with the run's conflict version
 * from its {@code temporal.executions} changes, and a region's state is written only when it wins ({@link
 * RowState#offer}: its version is at least the winning one's); a change of a region that does not win is kept, not
 * written. Every region's indexer receives the same changes, so each ends at the same winner, the highest state,
 * whichever order they arrive in.
 */
final class DocumentJoiner implements Processor<String, byte[], String, byte[]> {
    private final String storeName;
    private final String localRegion;
    private final IndexerMetrics metrics;
    private final long freshnessMs;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    /**
     * @param localRegion the local region's name (the tie-break between equal conflict versions uses it)
     * @param freshness a refused change committed less than this long ago counts as a stale write
     */
    DocumentJoiner(String storeName, String localRegion, IndexerMetrics metrics, java.time.Duration freshness) {
        this.storeName = storeName;
        this.localRegion = localRegion;
        this.metrics = metrics;
        this.freshnessMs = freshness.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        RowChange change = RowChange.decode(record.value());
        RowState row = RowState.decode(store.get(record.key()));
        DocumentState state = row.region(change.region());
        if (change.side() == RowChange.Side.EXECUTION_VERSION) {
            if (state.versionPosition != null && change.position().sameChange(state.versionPosition)) {
                metrics.redelivered();
                emit(record, row, change.sourceTsMs());
                return;
            }
            if (state.versionPosition != null
                    && !change.position().follows(state.versionPosition, state.versionLastSnapshot)) {
                if (change.position().snapshot()) {
                    state.versionLastSnapshot = change.position();
                    store.put(record.key(), row.encode());
                }
                metrics.replayed();
                return;
            }
            state.applyVersions(change);
        } else {
            DocumentState.Side side = state.side(change.side());
            if (side.known() && change.position().sameChange(side.position)) {
                metrics.redelivered();
                // the document last written, again: a write lost before a crash is made good
                emit(record, row, change.sourceTsMs());
                return;
            }
            if (side.known() && !change.position().follows(side.position, side.lastSnapshot)) {
                if (change.position().snapshot() && !change.position().sameChange(side.lastSnapshot)) {
                    state.seen(change);
                    store.put(record.key(), row.encode());
                }
                metrics.replayed();
                if (System.currentTimeMillis() - change.sourceTsMs() <= freshnessMs) {
                    // a recent change older than the row's last one: the source's LSNs may have gone back
                    metrics.staleWrite(record.key() + " at " + change.position() + " after " + side.position);
                }
                return;
            }
            state.apply(change);
        }
        switch (row.offer(change.region(), localRegion, change.side() == RowChange.Side.EXECUTION_VERSION)) {
            case WRITTEN -> {
                row.version = DocumentVersion.next(row.version, change.position());
                emit(record, row, change.sourceTsMs());
            }
            case SUPERSEDED -> metrics.superseded();
            case UNCHANGED -> {}
        }
        if (row.empty()) {
            store.delete(record.key());
        } else {
            store.put(record.key(), row.encode());
        }
    }

    /** Writes the winning document (a tombstone for a deleted row) with the row's current version. */
    private void emit(Record<String, byte[]> record, RowState row, long sourceTsMs) {
        if (row.winnerId == null || row.version == null) {
            return; // nothing written yet
        }
        context.forward(new Record<>(
                row.winnerId,
                row.winnerDocument,
                record.timestamp(),
                DocumentHeaders.of(row.version.asLong(), sourceTsMs)));
    }
}
