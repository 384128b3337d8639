package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.RowColumns;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.version.ChangePosition;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.ConflictVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first stage for one table: decodes a Debezium change record, maps the row (the executions row to its
 * document, the custom table's row to its typed attributes), places the change in commit order, and forwards a
 * {@link RowChange} keyed by the row's primary key (namespace_id, run_id) so both tables meet in the same task.
 * Tombstones are skipped and TRUNCATE is logged. A record that cannot be decoded or mapped throws {@link
 * io.temporalcdc.runtime.DecodingException} or {@link DocumentMappingException}, which the processing-exception
 * handler dead-letters with the original record.
 */
final class RowChangeMapper implements Processor<byte[], byte[], String, byte[]> {
    private static final Logger LOG = LoggerFactory.getLogger(RowChangeMapper.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RowChange.Side side;
    private final String sourceTopic;
    private final SourceRegions regions;
    private final ChangeEventDecoder decoder;
    private final VisibilityDocumentMapper mapper;
    private final VersionEpochs epochs;
    private final IndexerMetrics metrics;
    private ProcessorContext<String, byte[]> context;

    /** @param sourceTopic the local region's change topic of the table; the other regions' are its mirrors */
    RowChangeMapper(
            RowChange.Side side,
            String sourceTopic,
            SourceRegions regions,
            ChangeEventDecoder decoder,
            VisibilityDocumentMapper mapper,
            VersionEpochs epochs,
            IndexerMetrics metrics) {
        this.side = side;
        this.sourceTopic = sourceTopic;
        this.regions = regions;
        this.decoder = decoder;
        this.mapper = mapper;
        this.epochs = epochs;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        ChangeEvent event = decoder.decode(topic(), record.key(), record.value());
        switch (event.op()) {
            case TOMBSTONE -> metrics.tombstone();
            case TRUNCATE -> truncate(event);
            case CREATE, UPDATE, READ, DELETE -> forward(record, event);
        }
    }

    private void forward(Record<byte[], byte[]> record, ChangeEvent event) {
        RowChange change = map(event);
        JsonNode row = event.row();
        RowColumns columns = new RowColumns(row);
        String key = rowKey(
                columns.requiredChar(VisibilityDocumentMapper.NAMESPACE_ID),
                columns.requiredChar(VisibilityDocumentMapper.RUN_ID));
        context.forward(new Record<>(key, change.encode(), record.timestamp(), new RecordHeaders()));
    }

    private RowChange map(ChangeEvent event) {
        ChangePosition position = position(event);
        boolean delete = event.op() == ChangeEvent.Op.DELETE;
        JsonNode row = event.row();
        String region = region();
        if (side == RowChange.Side.EXECUTION_VERSION) {
            if (delete) {
                // the run's state ends at the versions it had: a delete's before image (REPLICA IDENTITY DEFAULT on
                // temporal.executions) carries the key only, with 0 in the other columns
                return new RowChange(
                        side, region, true, position, event.source().tsMs(), null, null, 0, 0);
            }
            ConflictVersion version = new RowColumns(row).conflictVersion(region);
            return new RowChange(
                    side,
                    region,
                    delete,
                    position,
                    event.source().tsMs(),
                    null,
                    null,
                    version.lastWriteVersion(),
                    version.dbRecordVersion());
        }
        if (side == RowChange.Side.EXECUTIONS) {
            if (delete) {
                return new RowChange(
                        side, region, true, position, event.source().tsMs(), mapper.documentId(row), null);
            }
            VisibilityDocument document = mapper.toDocument(row, event.columnTypes());
            return new RowChange(
                    side, region, false, position, event.source().tsMs(), document.id(), json(document.source()));
        }
        if (delete) {
            return new RowChange(side, region, true, position, event.source().tsMs(), null, null);
        }
        JsonNode values = new RowColumns(row).json(VisibilityDocumentMapper.SEARCH_ATTRIBUTES);
        if (values == null) {
            throw new DocumentMappingException(VisibilityDocumentMapper.SEARCH_ATTRIBUTES + " is missing or NULL");
        }
        return new RowChange(
                side,
                region,
                false,
                position,
                event.source().tsMs(),
                null,
                json(mapper.typedAttributes(
                        values, "custom_search_attributes." + VisibilityDocumentMapper.SEARCH_ATTRIBUTES)));
    }

    private static byte[] json(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ChangePosition position(ChangeEvent event) {
        ChangePosition position;
        try {
            position = ChangePosition.of(event.source(), epochs);
        } catch (IllegalArgumentException e) {
            throw new DocumentMappingException(e.getMessage() + ": the write cannot be versioned", e);
        }
        if (position.commit() > DocumentVersion.MAX_POSITION) {
            throw new DocumentMappingException("LSN " + DocumentVersion.lsnText(position.commit())
                    + " is beyond the range of document versions; see version.epoch.starts in the README");
        }
        return position;
    }

    /** The join key of a row: its primary key, unambiguous whatever the ids contain. */
    static String rowKey(String namespaceId, String runId) {
        return namespaceId.length() + ":" + namespaceId + runId;
    }

    private void truncate(ChangeEvent event) {
        metrics.truncate();
        LOG.warn(
                "{}: TRUNCATE at lsn {} is not applied to Elasticsearch; reindex by replay if needed",
                topic(),
                event.source() == null ? -1 : event.source().lsn());
    }

    /** @return the region of the record's topic, "" for the local region */
    private String region() {
        String region = regions.regionOf(topic(), java.util.List.of(sourceTopic));
        return region.equals(regions.local()) ? "" : region;
    }

    private String topic() {
        return context.recordMetadata().map(RecordMetadata::topic).orElse(sourceTopic);
    }
}
