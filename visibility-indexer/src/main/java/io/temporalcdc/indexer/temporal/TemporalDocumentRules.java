package io.temporalcdc.indexer.temporal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.indexer.SearchAttributeType;
import io.temporalcdc.schemas.WorkflowExecutionStatus;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The type rules Temporal's Elasticsearch visibility applies when it reads a document ({@code ParseESDoc} and {@code
 * finishParseJSONValue} in {@code common/persistence/visibility/store/elasticsearch/visibility_store.go}, Temporal
 * 1.31.2, lines 1008-1144): a document that breaks one of them fails the whole query that returns it. Used to check
 * what the {@code temporal} profile writes, and by the verification of an index.
 *
 * <ul>
 *   <li>{@code NamespaceId} and {@code VisibilityTaskKey} are not read; {@code NamespaceId} must still be there,
 *       as every query filters on it;
 *   <li>{@code Memo} is base64 text and needs {@code MemoEncoding} (text);
 *   <li>a field Temporal does not know is ignored; a known one is typed: Keyword, KeywordList and Text need text,
 *       Datetime RFC 3339 text with a zone, Int a JSON integer (no fraction, no exponent), Double a JSON number,
 *       Bool a JSON boolean; an array holds values of its field's type;
 *   <li>JSON {@code null} fails every known field;
 *   <li>{@code ExecutionStatus} is a status name.
 * </ul>
 */
public final class TemporalDocumentRules {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    /** Go's {@code time.RFC3339Nano} as {@code time.Parse} accepts it: optional fraction, a zone. */
    private static final Pattern RFC3339 =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

    private final Map<String, SearchAttributeType> aliases;

    /** @param attributes the attribute names the index carries besides Temporal's own (aliases) */
    public TemporalDocumentRules(TemporalAttributes attributes) {
        this.aliases = attributes.aliasTypes();
    }

    /** @return what Temporal's reader would refuse in the document's {@code _source} text; empty when it reads it */
    public List<String> problems(String source) {
        JsonNode doc;
        try {
            doc = JSON.readTree(source);
        } catch (JsonProcessingException e) {
            return List.of("not JSON: " + e.getOriginalMessage());
        }
        List<String> problems = new ArrayList<>();
        if (doc == null || !doc.isObject()) {
            return List.of("not a JSON object");
        }
        if (!doc.path("NamespaceId").isTextual()) {
            problems.add("NamespaceId is missing or not text (every query of Temporal filters on it)");
        }
        for (Map.Entry<String, JsonNode> field : doc.properties()) {
            String name = field.getKey();
            JsonNode value = field.getValue();
            switch (name) {
                case "NamespaceId", "VisibilityTaskKey" -> {}
                case "Memo" -> memo(value, problems);
                case "MemoEncoding" -> {
                    if (!value.isTextual()) {
                        problems.add("MemoEncoding: expected text, got " + value);
                    }
                }
                default -> {
                    SearchAttributeType type = typeOf(name);
                    if (type != null) {
                        typed(name, type, value, problems);
                    }
                }
            }
        }
        if (doc.has("Memo") && !doc.has("MemoEncoding")) {
            problems.add("Memo without MemoEncoding");
        }
        JsonNode status = doc.get("ExecutionStatus");
        if (status != null && status.isTextual() && !isStatus(status.textValue())) {
            problems.add("ExecutionStatus: " + status + " is not a WorkflowExecutionStatus name");
        }
        return problems;
    }

    private SearchAttributeType typeOf(String name) {
        SearchAttributeType type = TemporalAttributes.SYSTEM.get(name);
        if (type != null) {
            return type;
        }
        type = aliases.get(name);
        return type != null ? type : TemporalAttributes.typeOf(name).orElse(null);
    }

    private static void memo(JsonNode value, List<String> problems) {
        if (!value.isTextual()) {
            problems.add("Memo: expected base64 text, got " + value);
            return;
        }
        try {
            Base64.getDecoder().decode(value.textValue());
        } catch (IllegalArgumentException e) {
            problems.add("Memo: not base64 (" + e.getMessage() + ")");
        }
    }

    private static void typed(String name, SearchAttributeType type, JsonNode value, List<String> problems) {
        if (value.isArray()) {
            for (JsonNode item : value) {
                typed(name, type, item, problems);
            }
            return;
        }
        boolean ok = switch (type) {
            case KEYWORD, KEYWORD_LIST, TEXT -> value.isTextual();
            case DATETIME -> value.isTextual() && isRfc3339(value.textValue());
            case INT -> value.isIntegralNumber() && value.canConvertToLong();
            case DOUBLE -> value.isNumber();
            case BOOL -> value.isBoolean();
        };
        if (!ok) {
            problems.add(name + ": expected " + type.temporalName() + ", got " + value);
        }
    }

    private static boolean isRfc3339(String text) {
        if (!RFC3339.matcher(text).matches()) {
            return false;
        }
        try {
            OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** {@code WorkflowExecutionStatusFromString}: the API name or the enum's full name, as written. */
    private static boolean isStatus(String text) {
        for (WorkflowExecutionStatus status : WorkflowExecutionStatus.values()) {
            String full = "WORKFLOW_EXECUTION_STATUS_" + status.name();
            if (status.apiName().equals(text) || full.equals(text)) {
                return true;
            }
        }
        return false;
    }
}
