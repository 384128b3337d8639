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
 * <p>Each table's changes arrive in commit order per row; a change that does not follow the last one applied for
 * its table (a replay of an older change) is skipped, and a redelivery of the very last one writes the current
 * document again with its current version (so a write lost before a crash is made good, and an acknowledged one is
 * answered "already there"). Either table may arrive first: the custom attributes wait in the store for their
 * executions row.
 */
final class DocumentJoiner implements Processor<String, byte[], String, byte[]> {
    private final String storeName;
    private final IndexerMetrics metrics;
    private final long freshnessMs;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;

    /** @param freshness a refused change committed less than this long ago counts as a stale write */
    DocumentJoiner(String storeName, IndexerMetrics metrics, java.time.Duration freshness) {
        this.storeName = storeName;
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
        DocumentState state = DocumentState.decode(store.get(record.key()));
        DocumentState.Side side = state.side(change.side());
        if (side.known() && change.position().sameChange(side.position)) {
            metrics.redelivered();
            emit(record, state, change.sourceTsMs());
            return;
        }
        if (side.known() && !change.position().follows(side.position, side.lastSnapshot)) {
            if (change.position().snapshot() && !change.position().sameChange(side.lastSnapshot)) {
                state.seen(change);
                store.put(record.key(), state.encode());
            }
            metrics.replayed();
            if (System.currentTimeMillis() - change.sourceTsMs() <= freshnessMs) {
                // a recent change older than the row's last one: the source's LSNs may have gone back
                metrics.staleWrite(record.key() + " at " + change.position() + " after " + side.position);
            }
            return;
        }
        state.apply(change);
        state.version = DocumentVersion.next(state.version, change.position());
        emit(record, state, change.sourceTsMs());
        if (state.empty()) {
            store.delete(record.key());
        } else {
            store.put(record.key(), state.encode());
        }
    }

    private void emit(Record<String, byte[]> record, DocumentState state, long sourceTsMs) {
        String id = state.executions.documentId;
        if (id == null || state.version == null) {
            return; // custom attributes without their executions row yet: nothing to index
        }
        context.forward(new Record<>(
                id, state.document(), record.timestamp(), DocumentHeaders.of(state.version.asLong(), sourceTsMs)));
    }
}
