package io.temporalcdc.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.indexer.temporal.TemporalDocumentMapper;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.Codec;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code temporal} profile's only stage: decodes a change of Temporal's {@code executions_visibility}, maps the row
 * to Temporal's document and writes it to the documents topic, versioned by the row's {@code _version} (the
 * visibility task id Temporal itself uses as Elasticsearch's external version), not by the LSN: a restore or a move of
 * the database changes nothing, and the order is the one Temporal's SQL upsert enforces ({@code WHERE _version <
 * EXCLUDED._version}).
 *
 * <p>External versions: an upsert of {@code _version} v is written with version v, as Temporal's own Elasticsearch
 * visibility writes it (the task id): once Temporal writes the index itself, its next writes of a run carry higher
 * task ids than any this profile wrote, and win. A delete (unversioned in SQL: the delete task's id is not stored) is
 * written with v + 1, v the highest {@code _version} seen for the row: it outranks every upsert it follows, and loses
 * to a later upsert with a higher {@code _version} (the row written again, as in SQL), except one of exactly v + 1
 * within {@code index.gc_deletes} of the delete (README, "Known limits").
 *
 * <p>The store keeps, per row (namespace_id, run_id), that highest {@code _version}, whether the row is deleted, and
 * its document id (a delete's before image holds only the key): a change older than that is a replay and writes
 * nothing, the same version again rewrites the current state (a write lost before a crash is made good), and a replay
 * of an old upsert after the delete cannot bring the run back. A deleted row is forgotten {@code deletedRetention}
 * after its delete (a second store lists deleted rows by deletion time; a wall-clock punctuation every 10 minutes
 * purges both): by then every redelivery is long past, and a full replay of a compacted change topic holds no upsert
 * of a deleted row before its delete.
 */
final class TemporalVersions implements Processor<byte[], byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(TemporalVersions.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int FORMAT = 1;

    private final String storeName;
    private final String deletesStoreName;
    private final java.time.Duration deletedRetention;
    private final String sourceTopic;
    private final ChangeEventDecoder decoder;
    private final TemporalDocumentMapper mapper;
    private final IndexerMetrics metrics;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> store;
    private KeyValueStore<String, byte[]> deletes;

    /**
     * @param deletesStoreName the store of deleted rows by deletion time
     * @param deletedRetention how long a deleted row's version is kept (then a replay of its upserts could index it
     *     again)
     */
    TemporalVersions(
            String storeName,
            String deletesStoreName,
            java.time.Duration deletedRetention,
            String sourceTopic,
            ChangeEventDecoder decoder,
            TemporalDocumentMapper mapper,
            IndexerMetrics metrics) {
        this.storeName = storeName;
        this.deletesStoreName = deletesStoreName;
        this.deletedRetention = deletedRetention;
        this.sourceTopic = sourceTopic;
        this.decoder = decoder;
        this.mapper = mapper;
        this.metrics = metrics;
    }

    /**
     * What the store keeps of a row.
     *
     * @param deletedAtMs when the row was deleted (wall clock), 0 while it is not
     */
    record RowVersion(long version, boolean deleted, String documentId, long deletedAtMs) {
        byte[] encode() {
            return new Codec.Writer(FORMAT)
                    .number(version)
                    .bool(deleted)
                    .text(documentId)
                    .number(deletedAtMs)
                    .bytes();
        }

        static RowVersion decode(byte[] bytes) {
            if (bytes == null) {
                return null;
            }
            Codec.Reader in = new Codec.Reader(bytes, FORMAT, "a row version of the temporal profile");
            return new RowVersion(in.number(), in.bool(), in.text(), in.number());
        }
    }

    /** @return the external version of an upsert of {@code _version} v: v, Temporal's own */
    static long upsertVersion(long version) {
        return version;
    }

    /** @return the external version of a delete after {@code _version} v */
    static long deleteVersion(long version) {
        return Math.addExact(version, 1L);
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        this.deletes = context.getStateStore(deletesStoreName);
        context.schedule(
                PURGE_INTERVAL, org.apache.kafka.streams.processor.PunctuationType.WALL_CLOCK_TIME, this::purge);
    }

    /** How often deleted rows past their retention are forgotten. */
    static final java.time.Duration PURGE_INTERVAL = java.time.Duration.ofMinutes(10);

    /** The key of a deleted row in the deletes store: its deletion time first, so that a range finds the old ones. */
    static String deletedKey(long deletedAtMs, String rowKey) {
        return String.format("%016x", deletedAtMs) + rowKey;
    }

    /** Forgets the rows deleted longer than the retention ago that were not written again since. */
    void purge(long nowMs) {
        String upTo = String.format("%016x", Math.max(0, nowMs - deletedRetention.toMillis()));
        java.util.List<String> done = new java.util.ArrayList<>();
        try (var old = deletes.range(String.format("%016x", 0L), upTo)) {
            while (old.hasNext()) {
                String key = old.next().key;
                if (key.compareTo(upTo) >= 0) {
                    break;
                }
                done.add(key);
            }
        }
        for (String key : done) {
            String rowKey = key.substring(16);
            RowVersion known = RowVersion.decode(store.get(rowKey));
            // only the delete this entry records: a row written again and deleted since has a later entry
            if (known != null
                    && known.deleted()
                    && deletedKey(known.deletedAtMs(), rowKey).equals(key)) {
                store.delete(rowKey);
            }
            deletes.delete(key);
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ChangeEvent event = decoder.decode(topic(), record.key(), record.value());
        switch (event.op()) {
            case TOMBSTONE -> metrics.tombstone();
            case TRUNCATE -> {
                metrics.truncate();
                LOG.warn("{}: TRUNCATE is not applied to Elasticsearch; reindex by replay if needed", topic());
            }
            case DELETE -> delete(record, event);
            case CREATE, UPDATE, READ -> upsert(record, event);
        }
    }

    private void upsert(Record<byte[], byte[]> record, ChangeEvent event) {
        TemporalDocumentMapper.Document document = mapper.toDocument(event.row(), event.columnTypes());
        if (document.sourceVersion() < 0) {
            throw new DocumentMappingException("_version " + document.sourceVersion() + " is negative");
        }
        TemporalDocumentMapper.Key key = TemporalDocumentMapper.key(event.row());
        String rowKey = RowChangeMapper.rowKey(key.namespaceId(), key.runId());
        RowVersion known = RowVersion.decode(store.get(rowKey));
        long sourceTsMs = event.source() == null ? 0 : event.source().tsMs();
        if (known != null
                && (document.sourceVersion() < known.version()
                        || (known.deleted() && document.sourceVersion() == known.version()))) {
            metrics.replayed(); // older than what the row has (or had when deleted): Temporal's SQL refuses it too
            return;
        }
        if (known != null && document.sourceVersion() == known.version()) {
            metrics.redelivered();
        }
        if (known != null && known.deleted() && document.sourceVersion() == deleteVersion(known.version())) {
            // the delete was written with this very version: Elasticsearch refuses the upsert (409) while it still
            // remembers the delete (index.gc_deletes); see the README's known limits
            LOG.warn(
                    "{}: run written again with _version {}, the version its delete was indexed with; Elasticsearch"
                            + " keeps the delete for index.gc_deletes, after which a reindex brings the run back",
                    document.id(),
                    document.sourceVersion());
        }
        store.put(rowKey, new RowVersion(document.sourceVersion(), false, document.id(), 0).encode());
        context.forward(new Record<>(
                document.id(),
                json(document),
                record.timestamp(),
                DocumentHeaders.of(upsertVersion(document.sourceVersion()), sourceTsMs)));
    }

    private void delete(Record<byte[], byte[]> record, ChangeEvent event) {
        TemporalDocumentMapper.Key key = TemporalDocumentMapper.key(event.row());
        String rowKey = RowChangeMapper.rowKey(key.namespaceId(), key.runId());
        RowVersion known = RowVersion.decode(store.get(rowKey));
        String documentId = known != null ? known.documentId() : beforeImageId(event);
        if (documentId == null) {
            throw new DocumentMappingException(
                    "delete of run " + key.runId() + " in namespace " + key.namespaceId()
                            + ", which this indexer never indexed: its document id is unknown (the before image holds only the"
                            + " key; with REPLICA IDENTITY FULL it would hold the workflow id); if the index holds it, reindex");
        }
        long version = Math.max(known == null ? 0 : known.version(), key.sourceVersion());
        long deletedAtMs;
        if (known != null && known.deleted()) {
            metrics.redelivered();
            deletedAtMs = known.deletedAtMs();
        } else {
            deletedAtMs = context.currentSystemTimeMs();
            deletes.put(deletedKey(deletedAtMs, rowKey), new byte[0]);
        }
        store.put(rowKey, new RowVersion(version, true, documentId, deletedAtMs).encode());
        context.forward(new Record<>(
                documentId,
                null,
                record.timestamp(),
                DocumentHeaders.of(
                        deleteVersion(version),
                        event.source() == null ? 0 : event.source().tsMs())));
    }

    /** @return the document id from a full before image (REPLICA IDENTITY FULL), or null from a key-only one */
    private static String beforeImageId(ChangeEvent event) {
        String workflowId = new io.temporalcdc.runtime.RowColumns(event.row()).text(TemporalDocumentMapper.WORKFLOW_ID);
        if (workflowId == null || workflowId.isEmpty()) {
            return null;
        }
        return TemporalDocumentMapper.documentId(
                workflowId, TemporalDocumentMapper.key(event.row()).runId());
    }

    private static byte[] json(TemporalDocumentMapper.Document document) {
        try {
            return JSON.writeValueAsBytes(document.source());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(sourceTopic);
    }
}
