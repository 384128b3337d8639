package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Temporal's search attribute types, with the lossless coercions each accepts and the Elasticsearch mapping a new
 * attribute of the type gets. A value that cannot be coerced without loss is refused with a {@link
 * DocumentMappingException} naming the attribute.
 */
public enum SearchAttributeType {
    /** An exact-match string. */
    KEYWORD("Keyword"),
    /** A 64-bit integer. */
    INT("Int"),
    /** A double-precision number. */
    DOUBLE("Double"),
    /** true or false. */
    BOOL("Bool"),
    /** An instant, ISO-8601 with an offset. */
    DATETIME("Datetime"),
    /** Analyzed full text. */
    TEXT("Text"),
    /** A list of exact-match strings. */
    KEYWORD_LIST("KeywordList");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    /** The usual form, checked before the formatters: {@code 2024-03-01T10:15:30.000120Z}. */
    private static final java.util.regex.Pattern UTC_DATETIME = java.util.regex.Pattern.compile(
            "\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,9})?Z");

    private static final List<DateTimeFormatter> DATETIME_FORMATS = List.of(
            DateTimeFormatter.ISO_OFFSET_DATE_TIME,
            DateTimeFormatter.ISO_LOCAL_DATE_TIME,
            DateTimeFormatter.ISO_LOCAL_DATE);

    private final String temporalName;

    SearchAttributeType(String temporalName) {
        this.temporalName = temporalName;
    }

    /** @return the name Temporal gives the type, e.g. {@code KeywordList} */
    public String temporalName() {
        return temporalName;
    }

    /** @return the type of Temporal's name (any case) */
    public static SearchAttributeType ofTemporalName(String name) {
        for (SearchAttributeType type : values()) {
            if (type.temporalName.equalsIgnoreCase(name.trim())) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown search attribute type \"" + name
                + "\" (Keyword, Int, Double, Bool, Datetime, Text or KeywordList)");
    }

    /**
     * @return the mapping Temporal's own Elasticsearch visibility gives a custom attribute of this type (the {@code
     *     temporal} index profile: {@code client_v7.go}, {@code buildMappingBody})
     */
    public ObjectNode temporalMapping() {
        ObjectNode mapping = JSON.objectNode();
        switch (this) {
            case TEXT -> mapping.put("type", "text");
            case KEYWORD, KEYWORD_LIST -> mapping.put("type", "keyword");
            case INT -> mapping.put("type", "long");
            case DOUBLE -> mapping.put("type", "scaled_float").put("scaling_factor", 10000);
            case BOOL -> mapping.put("type", "boolean");
            case DATETIME -> mapping.put("type", "date_nanos");
        }
        return mapping;
    }

    /** @return the Elasticsearch mapping of a new attribute of this type in the seed's mapping */
    public ObjectNode mapping() {
        ObjectNode mapping = JSON.objectNode();
        switch (this) {
            case KEYWORD, KEYWORD_LIST -> mapping.put("type", "keyword");
            case INT -> mapping.put("type", "long");
            case DOUBLE -> mapping.put("type", "double");
            case BOOL -> mapping.put("type", "boolean");
            case DATETIME -> mapping.put("type", "date").put("format", "strict_date_optional_time_nanos");
            case TEXT -> mapping.put("type", "text").put("analyzer", "standard");
        }
        return mapping;
    }

    /**
     * @return {@code value} as this type: unchanged when it already is one, coerced where no information is lost
     *     (the string "42" for an Int); JSON null stays null
     */
    public JsonNode coerce(String attribute, JsonNode value) {
        if (value == null || value.isNull()) {
            return JSON.nullNode();
        }
        if (fits(value)) {
            return value;
        }
        return switch (this) {
            case KEYWORD, TEXT -> JSON.textNode(scalarText(attribute, value));
            case INT -> JSON.numberNode(integer(attribute, value));
            case DOUBLE -> JSON.numberNode(decimal(attribute, value));
            case BOOL -> JSON.booleanNode(bool(attribute, value));
            case DATETIME -> JSON.textNode(datetime(attribute, value));
            case KEYWORD_LIST -> keywordList(attribute, value);
        };
    }

    private boolean fits(JsonNode value) {
        return switch (this) {
            case KEYWORD, TEXT -> value.isTextual();
            case INT -> value.isIntegralNumber() && value.canConvertToLong();
            case DOUBLE -> value.isNumber();
            case BOOL -> value.isBoolean();
            case DATETIME -> false;
            case KEYWORD_LIST -> value.isArray() && allText(value);
        };
    }

    private static boolean allText(JsonNode array) {
        for (JsonNode item : array) {
            if (!item.isTextual()) {
                return false;
            }
        }
        return true;
    }

    private String scalarText(String attribute, JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isNumber() || value.isBoolean()) {
            return value.asText();
        }
        throw refused(attribute, value);
    }

    private long integer(String attribute, JsonNode value) {
        try {
            BigDecimal number = value.isTextual()
                    ? new BigDecimal(value.textValue().trim())
                    : value.isNumber() ? value.decimalValue() : null;
            if (number != null) {
                return number.longValueExact();
            }
        } catch (NumberFormatException | ArithmeticException e) {
            throw refused(attribute, value);
        }
        throw refused(attribute, value);
    }

    private double decimal(String attribute, JsonNode value) {
        double number;
        if (value.isNumber()) {
            number = value.doubleValue();
        } else if (value.isTextual()) {
            try {
                number = Double.parseDouble(value.textValue().trim());
            } catch (NumberFormatException e) {
                throw refused(attribute, value);
            }
        } else {
            throw refused(attribute, value);
        }
        if (Double.isNaN(number) || Double.isInfinite(number)) {
            throw refused(attribute, value);
        }
        return number;
    }

    private boolean bool(String attribute, JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual()) {
            String text = value.textValue().trim().toLowerCase(Locale.ROOT);
            if (text.equals("true") || text.equals("false")) {
                return Boolean.parseBoolean(text);
            }
        }
        throw refused(attribute, value);
    }

    private String datetime(String attribute, JsonNode value) {
        if (!value.isTextual()) {
            throw refused(attribute, value);
        }
        // kept as written: Elasticsearch's strict_date_optional_time_nanos reads every form accepted here
        String text = value.textValue();
        if (UTC_DATETIME.matcher(text).matches()) {
            return text;
        }
        for (DateTimeFormatter format : DATETIME_FORMATS) {
            try {
                format.parse(text);
                return text;
            } catch (DateTimeParseException e) {
                // next form
            }
        }
        throw refused(attribute, value);
    }

    private ArrayNode keywordList(String attribute, JsonNode value) {
        ArrayNode list = JSON.arrayNode();
        if (value.isArray()) {
            for (JsonNode item : value) {
                list.add(scalarText(attribute, item));
            }
        } else {
            list.add(scalarText(attribute, value));
        }
        return list;
    }

    private DocumentMappingException refused(String attribute, JsonNode value) {
        String text = value.toString();
        return new DocumentMappingException("search attribute " + attribute + " is registered as " + temporalName
                + " but its value " + (text.length() > 80 ? text.substring(0, 77) + "..." : text)
                + " cannot be read as one without loss");
    }
}
