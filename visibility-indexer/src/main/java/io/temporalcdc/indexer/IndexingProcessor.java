package io.temporalcdc.indexer;

import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.Retrier;
import java.util.function.Supplier;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies each change event of the visibility table to Elasticsearch, synchronously: create/read/update
 * index the full document, delete removes it, tombstones are skipped, truncates are logged and counted.
 * Every write carries the source LSN as its external version. A record that cannot be decoded or mapped, or
 * that Elasticsearch rejects as malformed, is forwarded (original key, value and headers, plus the reason)
 * to the dead-letter sink; transient failures are retried, and when the retries are exhausted the exception
 * ends the stream thread, before the record's offset is committed.
 */
final class IndexingProcessor implements Processor<byte[], byte[], byte[], byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(IndexingProcessor.class);

    private final String sourceTopic;
    private final EsWriter writer;
    private final ChangeEventDecoder decoder;
    private final VisibilityDocumentMapper mapper = new VisibilityDocumentMapper();
    private final Retrier retrier;
    private final IndexerMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;

    IndexingProcessor(
            String sourceTopic, EsWriter writer, ChangeEventDecoder decoder, Retrier retrier, IndexerMetrics metrics) {
        this.sourceTopic = sourceTopic;
        this.writer = writer;
        this.decoder = decoder;
        this.retrier = retrier;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ChangeEvent event;
        try {
            event = decoder.decode(topic(), record.key(), record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "undecodable: " + e.getMessage(), e);
            return;
        }
        try {
            apply(event);
        } catch (DocumentMappingException e) {
            deadLetter(record, "unmappable: " + e.getMessage(), e);
        } catch (DocumentRejectedException e) {
            deadLetter(record, "rejected by Elasticsearch: " + e.getMessage(), e);
        }
    }

    private void apply(ChangeEvent event) {
        switch (event.op()) {
            case TOMBSTONE -> metrics.tombstone();
            case TRUNCATE -> truncate(event);
            case CREATE, UPDATE, READ -> index(event);
            case DELETE -> delete(event);
        }
    }

    private void index(ChangeEvent event) {
        VisibilityDocument document = mapper.toDocument(event.row());
        long version = version(event);
        WriteOutcome outcome = write("index " + document.id(), () -> writer.index(document, version));
        if (outcome == WriteOutcome.STALE) {
            metrics.stale();
            LOG.debug("index {} version {}: Elasticsearch already holds a newer version", document.id(), version);
        } else {
            metrics.indexed(event.source().tsMs(), System.currentTimeMillis());
        }
    }

    private void delete(ChangeEvent event) {
        String id = mapper.documentId(event.row());
        long version = version(event);
        WriteOutcome outcome = write("delete " + id, () -> writer.delete(id, version));
        if (outcome == WriteOutcome.STALE) {
            metrics.stale();
        } else {
            metrics.deleted(event.source().tsMs(), System.currentTimeMillis());
        }
    }

    private void truncate(ChangeEvent event) {
        metrics.truncate();
        LOG.warn(
                "{}: TRUNCATE at lsn {} is not applied to Elasticsearch; reindex by replay if needed",
                topic(),
                event.source() == null ? -1 : event.source().lsn());
    }

    private WriteOutcome write(String operation, Supplier<WriteOutcome> write) {
        return retrier.call(operation, write::get, TransientWriteException.class::isInstance);
    }

    private static long version(ChangeEvent event) {
        if (event.source() == null || event.source().lsn() < 0) {
            throw new DocumentMappingException("source.lsn is missing: the write cannot be versioned");
        }
        return event.source().lsn();
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason, Throwable exception) {
        RecordMetadata meta = context.recordMetadata().orElse(null);
        int partition = meta == null ? -1 : meta.partition();
        long offset = meta == null ? -1L : meta.offset();
        LOG.warn("{}-{}@{}: dead-lettering record ({})", topic(), partition, offset, reason);
        context.forward(record.withHeaders(
                DeadLetters.headers(record.headers(), reason, exception, topic(), partition, offset)));
        metrics.deadLettered();
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(sourceTopic);
    }
}
