package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.JsonText;
import io.temporalcdc.runtime.RowColumns;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Maps a {@code temporal_visibility.executions} row image (Debezium's {@code before}/{@code after}) to the
 * Elasticsearch document of the seed's mapping. Pure: no I/O, no state.
 *
 * <ul>
 *   <li>id {@code <WorkflowId>~<RunId>}; CHAR(n) columns lose their trailing blanks, in the id and the fields;
 *   <li>TIMESTAMP columns (UTC, epoch microseconds in the event) become ISO-8601 with {@code Z} and six
 *       fraction digits;
 *   <li>{@code ExecutionDuration} = CloseTime − ExecutionTime in nanoseconds, absent while close_time is NULL;
 *   <li>{@code SearchAttributes} is the parsed {@code search_attributes} JSON, each value typed by the
 *       {@link SearchAttributeRegistry};
 *   <li>{@code Memo} is the memo parsed as JSON when {@code encoding} starts with "json" (any case), else
 *       {@code {"encoding": …, "data": <base64>}};
 *   <li>NULL columns are absent fields.
 * </ul>
 *
 * Anything else throws a {@link DocumentMappingException} naming the column.
 */
public final class VisibilityDocumentMapper {
    /** The columns of {@code temporal_visibility.executions}. */
    static final String NAMESPACE_ID = "namespace_id";

    static final String RUN_ID = "run_id";
    static final String WORKFLOW_ID = "workflow_id";
    static final String WORKFLOW_TYPE_NAME = "workflow_type_name";
    static final String START_TIME = "start_time";
    static final String EXECUTION_TIME = "execution_time";
    static final String CLOSE_TIME = "close_time";
    static final String STATUS = "status";
    static final String HISTORY_LENGTH = "history_length";
    static final String TASK_QUEUE = "task_queue";
    static final String MEMO = "memo";
    static final String ENCODING = "encoding";
    static final String SEARCH_ATTRIBUTES = "search_attributes";

    private static final long NANOS_PER_MICRO = 1_000L;

    private final SearchAttributeRegistry attributes;
    private final Consumer<String> droppedAttribute;

    /** A mapper that knows the seed's six search attributes and refuses others. */
    public VisibilityDocumentMapper() {
        this(SearchAttributeRegistry.seedOnly(), name -> {});
    }

    /**
     * @param attributes the known search attributes and their types
     * @param droppedAttribute told each unknown attribute left out (when the registry drops rather than refuses)
     */
    public VisibilityDocumentMapper(SearchAttributeRegistry attributes, Consumer<String> droppedAttribute) {
        this.attributes = attributes;
        this.droppedAttribute = droppedAttribute;
    }

    /** @return the document of the row image */
    public VisibilityDocument toDocument(JsonNode row) {
        return toDocument(row, Map.of());
    }

    /**
     * @param columnTypes column → Connect schema name, from the record's embedded schema
     * @return the document of the row image
     */
    public VisibilityDocument toDocument(JsonNode row, Map<String, String> columnTypes) {
        RowColumns columns = new RowColumns(row, columnTypes);
        String workflowId = columns.requiredText(WORKFLOW_ID);
        String runId = columns.requiredChar(RUN_ID);
        ObjectNode doc = JsonNodeFactory.instance.objectNode();
        doc.put("NamespaceId", columns.requiredChar(NAMESPACE_ID));
        doc.put("WorkflowId", workflowId);
        doc.put("RunId", runId);
        putText(doc, "WorkflowType", columns.text(WORKFLOW_TYPE_NAME));
        putTimes(doc, columns);
        putIfPresent(doc, "ExecutionStatus", columns.integer(STATUS));
        putDuration(doc, columns);
        putIfPresent(doc, "HistoryLength", columns.bigint(HISTORY_LENGTH));
        putText(doc, "TaskQueue", columns.text(TASK_QUEUE));
        putMemo(doc, columns);
        putSearchAttributes(doc, columns, row);
        return new VisibilityDocument(documentId(workflowId, runId), doc);
    }

    /** @return the id of the row's document: enough for a delete, which needs no other column */
    public String documentId(JsonNode row) {
        RowColumns columns = new RowColumns(row);
        return documentId(columns.requiredText(WORKFLOW_ID), columns.requiredChar(RUN_ID));
    }

    private static String documentId(String workflowId, String runId) {
        return workflowId + "~" + runId;
    }

    private static void putTimes(ObjectNode doc, RowColumns columns) {
        putTime(doc, "StartTime", columns.epochMicros(START_TIME));
        putTime(doc, "ExecutionTime", columns.epochMicros(EXECUTION_TIME));
        putTime(doc, "CloseTime", columns.epochMicros(CLOSE_TIME));
    }

    private static void putDuration(ObjectNode doc, RowColumns columns) {
        Long close = columns.epochMicros(CLOSE_TIME);
        Long execution = columns.epochMicros(EXECUTION_TIME);
        if (close == null || execution == null) {
            return;
        }
        try {
            doc.put("ExecutionDuration", Math.multiplyExact(Math.subtractExact(close, execution), NANOS_PER_MICRO));
        } catch (ArithmeticException e) {
            throw new DocumentMappingException("close_time - execution_time overflows nanoseconds", e);
        }
    }

    private static void putMemo(ObjectNode doc, RowColumns columns) {
        byte[] memo = columns.bytes(MEMO);
        if (memo == null) {
            return;
        }
        String encoding = columns.text(ENCODING);
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).startsWith("json")) {
            doc.set("Memo", JsonText.parse(MEMO, memo));
            return;
        }
        ObjectNode opaque = doc.putObject("Memo");
        putText(opaque, "encoding", encoding);
        opaque.put("data", Base64.getEncoder().encodeToString(memo));
    }

    /**
     * {@code search_attributes}, typed, with the row's columns that are indexed as attributes ({@code
     * search.attribute.columns}) laid over it: a column's value wins over the JSON's value of the same attribute.
     */
    private void putSearchAttributes(ObjectNode doc, RowColumns columns, JsonNode row) {
        JsonNode values = columns.json(SEARCH_ATTRIBUTES);
        ObjectNode fromColumns = attributes.columnAttributes(row);
        if ((values == null || values.isNull()) && fromColumns.isEmpty()) {
            return;
        }
        ObjectNode typed = values == null || values.isNull()
                ? JsonNodeFactory.instance.objectNode()
                : typedAttributes(values, SEARCH_ATTRIBUTES);
        typed.setAll(fromColumns);
        doc.set("SearchAttributes", typed);
    }

    /** @return the attributes of {@code column} with every value typed (see {@link SearchAttributeRegistry}) */
    public ObjectNode typedAttributes(JsonNode values, String column) {
        return attributes.typed(values, column, droppedAttribute);
    }

    private static void putTime(ObjectNode doc, String field, Long epochMicros) {
        if (epochMicros != null) {
            doc.put(field, RowColumns.isoMicros(epochMicros));
        }
    }

    private static void putText(ObjectNode doc, String field, String value) {
        if (value != null) {
            doc.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode doc, String field, Integer value) {
        if (value != null) {
            doc.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode doc, String field, Long value) {
        if (value != null) {
            doc.put(field, value);
        }
    }
}
