package io.temporalcdc.indexer.temporal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.DocumentMappingException;
import io.temporalcdc.indexer.SearchAttributeType;
import io.temporalcdc.runtime.RowColumns;
import io.temporalcdc.schemas.WorkflowExecutionStatus;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Maps a row of Temporal's SQL visibility table {@code executions_visibility} (Debezium's row image) to the document
 * Temporal's own Elasticsearch visibility store writes for the same execution: {@code GenerateESDoc} and {@code
 * GenerateClosedESDoc} in {@code common/persistence/visibility/store/elasticsearch/visibility_store.go} (Temporal
 * 1.31.2, lines 923-1005), field by field. Pure: no I/O, no state.
 *
 * <ul>
 *   <li>always: {@code NamespaceId}, {@code WorkflowId}, {@code RunId}, {@code WorkflowType}, {@code StartTime},
 *       {@code ExecutionTime}, {@code ExecutionStatus} (the status' API name: {@code Running}, …), {@code TaskQueue},
 *       {@code RootWorkflowId}, {@code RootRunId}; {@code VisibilityTaskKey} {@code <shard>~<_version>} when the
 *       number of history shards is known;
 *   <li>{@code ParentWorkflowId}, {@code ParentRunId} when not NULL;
 *   <li>{@code Memo} (base64 of the memo's bytes) and {@code MemoEncoding} when the memo is not empty;
 *   <li>each search attribute top-level, typed by its name ({@link TemporalAttributes}); NULL values and empty lists
 *       left out; names Temporal does not define left out and counted (their type is not in the table); values
 *       Temporal's Elasticsearch visibility leaves out (a datetime outside 1970-2262, a string over 32766 bytes:
 *       {@code ValidateCustomSearchAttributes}) left out and counted;
 *   <li>a closed run ({@code close_time} not NULL) adds {@code CloseTime}, {@code ExecutionDuration} (ns), {@code
 *       HistoryLength}, {@code StateTransitionCount}, {@code HistorySizeBytes};
 *   <li>times in Go's RFC 3339 with nanoseconds (trailing zeros dropped), as Go's JSON encoder writes a {@code
 *       time.Time}; never a JSON null.
 * </ul>
 */
public final class TemporalDocumentMapper {
    static final String NAMESPACE_ID = "namespace_id";
    static final String RUN_ID = "run_id";
    static final String VERSION = "_version";
    public static final String WORKFLOW_ID = "workflow_id";

    /** Elasticsearch's limit on {@code _id}, in bytes ({@code GetDocID}). */
    static final int MAX_DOCUMENT_ID_BYTES = 512;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss");
    private static final long MICROS_PER_SECOND = 1_000_000L;

    /** Temporal's Elasticsearch visibility keeps datetime values within {@code [1970, 2262]} (date_nanos)... */
    static final Instant MIN_TIME = Instant.EPOCH;
    /** ... up to {@code time.Unix(0, math.MaxInt64)} ({@code maxTime}, visibility_store.go:91-92). */
    static final Instant MAX_TIME = Instant.ofEpochSecond(0, Long.MAX_VALUE);
    /** ... and strings of at most this many bytes ({@code maxStringLength}, :93). */
    static final int MAX_STRING_BYTES = 32_766;

    private final TemporalAttributes attributes;
    private final int historyShards;
    private final Consumer<String> droppedAttribute;
    private final Consumer<String> invalidValue;

    /**
     * @param historyShards Temporal's {@code numHistoryShards}, for {@code VisibilityTaskKey}; 0 leaves the field out
     *     (Temporal's reader ignores it)
     * @param droppedAttribute told the name of each search attribute Temporal does not define, left out
     */
    public TemporalDocumentMapper(TemporalAttributes attributes, int historyShards, Consumer<String> droppedAttribute) {
        this(attributes, historyShards, droppedAttribute, droppedAttribute);
    }

    /**
     * @param invalidValue told {@code "<name>: <reason>"} for each attribute value Temporal's Elasticsearch visibility
     *     leaves out ({@code ValidateCustomSearchAttributes}: a datetime outside 1970-2262, a string over 32766 bytes)
     */
    public TemporalDocumentMapper(
            TemporalAttributes attributes,
            int historyShards,
            Consumer<String> droppedAttribute,
            Consumer<String> invalidValue) {
        this.attributes = attributes;
        this.historyShards = historyShards;
        this.droppedAttribute = droppedAttribute;
        this.invalidValue = invalidValue;
    }

    /**
     * A row's document.
     *
     * @param id the document id ({@code WorkflowId~RunId})
     * @param sourceVersion the row's {@code _version} (the visibility task id)
     * @param source the document
     */
    public record Document(String id, long sourceVersion, ObjectNode source) {}

    /** The primary key of a row and its version: all a delete needs. */
    public record Key(String namespaceId, String runId, long sourceVersion) {}

    /** @return the row's key columns and {@code _version} (0 where the image lacks it) */
    public static Key key(JsonNode row) {
        RowColumns columns = new RowColumns(row);
        Long version = columns.bigint(VERSION);
        return new Key(columns.requiredChar(NAMESPACE_ID), columns.requiredChar(RUN_ID), version == null ? 0 : version);
    }

    /**
     * @param columnTypes column → Connect schema name, from the record's embedded schema
     * @return the document of the row image
     */
    public Document toDocument(JsonNode row, Map<String, String> columnTypes) {
        RowColumns columns = new RowColumns(row, columnTypes);
        String namespaceId = columns.requiredChar(NAMESPACE_ID);
        String runId = columns.requiredChar(RUN_ID);
        String workflowId = columns.requiredText(WORKFLOW_ID);
        long version = required(columns.bigint(VERSION), VERSION);
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        if (historyShards > 0) {
            doc.put(
                    "VisibilityTaskKey",
                    Farmhash32.historyShard(namespaceId, workflowId, historyShards) + "~" + version);
        }
        doc.put("NamespaceId", namespaceId);
        doc.put("WorkflowId", workflowId);
        doc.put("RunId", runId);
        doc.put("WorkflowType", required(columns.text("workflow_type_name"), "workflow_type_name"));
        doc.put("StartTime", goTime(required(columns.epochMicros("start_time"), "start_time")));
        doc.put("ExecutionTime", goTime(required(columns.epochMicros("execution_time"), "execution_time")));
        doc.put("ExecutionStatus", status(required(columns.integer("status"), "status")));
        doc.put("TaskQueue", orEmpty(columns.text("task_queue")));
        doc.put("RootWorkflowId", orEmpty(columns.text("root_workflow_id")));
        doc.put("RootRunId", orEmpty(columns.text("root_run_id")));
        putIfPresent(doc, "ParentWorkflowId", columns.text("parent_workflow_id"));
        putIfPresent(doc, "ParentRunId", columns.text("parent_run_id"));
        byte[] memo = columns.bytes("memo");
        if (memo != null && memo.length > 0) {
            doc.put("Memo", Base64.getEncoder().encodeToString(memo));
            doc.put("MemoEncoding", required(columns.text("encoding"), "encoding"));
        }
        putSearchAttributes(doc, namespaceId, columns.json("search_attributes"));
        Long closeTime = columns.epochMicros("close_time");
        if (closeTime != null) {
            doc.put("CloseTime", goTime(closeTime));
            putIfPresent(doc, "ExecutionDuration", columns.bigint("execution_duration"));
            putIfPresent(doc, "HistoryLength", columns.bigint("history_length"));
            putIfPresent(doc, "StateTransitionCount", columns.bigint("state_transition_count"));
            putIfPresent(doc, "HistorySizeBytes", columns.bigint("history_size_bytes"));
        }
        return new Document(documentId(workflowId, runId), version, doc);
    }

    /**
     * Temporal's {@code GetDocID}: {@code WorkflowId~RunId}, the workflow id cut (never inside a character) so that
     * the id stays within {@value #MAX_DOCUMENT_ID_BYTES} bytes.
     */
    public static String documentId(String workflowId, String runId) {
        int runBytes = utf8Length(runId);
        if (runBytes + 1 >= MAX_DOCUMENT_ID_BYTES) {
            return truncateUtf8(runId, MAX_DOCUMENT_ID_BYTES);
        }
        if (utf8Length(workflowId) + runBytes + 1 > MAX_DOCUMENT_ID_BYTES) {
            workflowId = truncateUtf8(workflowId, MAX_DOCUMENT_ID_BYTES - runBytes - 1);
        }
        return workflowId + "~" + runId;
    }

    /** @return epoch microseconds as Go's JSON encoder writes a UTC {@code time.Time} (RFC 3339, nanoseconds) */
    public static String goTime(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, MICROS_PER_SECOND);
        long micros = Math.floorMod(epochMicros, MICROS_PER_SECOND);
        Instant instant = Instant.ofEpochSecond(seconds, micros * 1_000L);
        return goTime(instant.atOffset(ZoneOffset.UTC));
    }

    /** @return a time as Go's {@code time.RFC3339Nano} writes it: no trailing zeros, {@code Z} for UTC */
    static String goTime(OffsetDateTime time) {
        StringBuilder text = new StringBuilder(SECONDS.format(time));
        int nanos = time.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            text.append('.').append(fraction, 0, end);
        }
        ZoneOffset offset = time.getOffset();
        text.append(offset.getTotalSeconds() == 0 ? "Z" : offset.getId());
        return text.toString();
    }

    private void putSearchAttributes(ObjectNode doc, String namespaceId, JsonNode values) {
        if (values == null || values.isNull()) {
            return;
        }
        if (!values.isObject()) {
            throw new DocumentMappingException("search_attributes is not a JSON object");
        }
        for (Map.Entry<String, JsonNode> entry : values.properties()) {
            String name = entry.getKey();
            JsonNode value = entry.getValue();
            if (value == null || value.isNull()) {
                continue;
            }
            SearchAttributeType type = TemporalAttributes.typeOf(name).orElse(null);
            if (type == null) {
                droppedAttribute.accept(name);
                continue;
            }
            JsonNode typed = typed(name, type, value);
            if (typed.isArray() && typed.isEmpty()) {
                continue; // Temporal decodes an empty list to nil and leaves it out
            }
            String invalid = invalid(type, typed);
            if (invalid != null) {
                invalidValue.accept(name + ": " + invalid);
                continue; // ValidateCustomSearchAttributes leaves it out (visibility_store.go:198-234)
            }
            doc.set(attributes.indexName(namespaceId, name), typed);
        }
    }

    /** @return why Temporal's Elasticsearch visibility would leave the value out, or null */
    private static String invalid(SearchAttributeType type, JsonNode typed) {
        for (JsonNode item : typed.isArray() ? typed : java.util.List.of(typed)) {
            if (type == SearchAttributeType.DATETIME) {
                Instant at = OffsetDateTime.parse(item.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                        .toInstant();
                if (at.isBefore(MIN_TIME) || at.isAfter(MAX_TIME)) {
                    return "datetime " + item.textValue() + " is outside [" + MIN_TIME + ", " + MAX_TIME + "]";
                }
            } else if (item.isTextual()
                    && item.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_STRING_BYTES) {
                return "a string of " + item.textValue().getBytes(StandardCharsets.UTF_8).length + " bytes, over "
                        + MAX_STRING_BYTES;
            }
        }
        return null;
    }

    private static JsonNode typed(String name, SearchAttributeType type, JsonNode value) {
        if (type != SearchAttributeType.DATETIME) {
            return type.coerce("search_attributes." + name, value);
        }
        if (!value.isTextual()) {
            throw new DocumentMappingException("search attribute " + name + " is a Datetime but holds " + value);
        }
        try {
            return JsonNodeFactory.instance.textNode(
                    goTime(OffsetDateTime.parse(value.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME)));
        } catch (DateTimeParseException e) {
            throw new DocumentMappingException(
                    "search attribute " + name + " is a Datetime but " + value + " is not RFC 3339", e);
        }
    }

    private static String status(int code) {
        try {
            return WorkflowExecutionStatus.of(code).apiName();
        } catch (IllegalArgumentException e) {
            throw new DocumentMappingException("status " + code + " is not a WorkflowExecutionStatus", e);
        }
    }

    private static <T> T required(T value, String column) {
        if (value == null) {
            throw new DocumentMappingException(column + " is missing or NULL");
        }
        return value;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    private static void putIfPresent(ObjectNode doc, String field, String value) {
        if (value != null) {
            doc.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode doc, String field, Long value) {
        if (value != null) {
            doc.put(field, value);
        }
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    /** Go's {@code util.TruncateUTF8}: at most {@code max} bytes, never half a character. */
    static String truncateUtf8(String text, int max) {
        int bytes = 0;
        int end = 0;
        while (end < text.length()) {
            int codePoint = text.codePointAt(end);
            int size = utf8Length(new String(Character.toChars(codePoint)));
            if (bytes + size > max) {
                break;
            }
            bytes += size;
            end += Character.charCount(codePoint);
        }
        return text.substring(0, end);
    }
}
