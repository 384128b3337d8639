package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.schemas.ConflictVersion;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Typed, strict access to the columns of one Debezium row image (the {@code before} or {@code after} JSON object).
 * A JSON null or an absent column reads as {@code null}; a value of the wrong type throws a
 * {@link UnmappableChangeException} that names the column.
 */
public final class RowColumns {
    /** ISO-8601 in UTC with all six microsecond digits, e.g. {@code 2024-03-01T10:15:30.000120Z}. */
    public static final DateTimeFormatter MICROS_UTC =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private static final long MICROS_PER_SECOND = 1_000_000L;
    /**
     * Debezium's {@code unavailable.value.placeholder}, as text and as base64 of its bytes (bytea): what an
     * unchanged TOASTed column carries when the replica identity is not FULL. Never a real value here.
     */
    private static final Set<String> UNAVAILABLE = Set.of(
            "__debezium_unavailable_value",
            Base64.getEncoder().encodeToString("__debezium_unavailable_value".getBytes(StandardCharsets.UTF_8)));

    /** Connect schema names of timestamp columns, and the microseconds in one unit of each. */
    private static final Map<String, Long> TIMESTAMP_UNITS = Map.of(
            "io.debezium.time.MicroTimestamp", 1L,
            "io.debezium.time.Timestamp", 1_000L,
            "org.apache.kafka.connect.data.Timestamp", 1_000L);

    private static final String NANO_TIMESTAMP = "io.debezium.time.NanoTimestamp";

    private final JsonNode row;
    private final Map<String, String> columnTypes;

    public RowColumns(JsonNode row) {
        this(row, Map.of());
    }

    /** @param columnTypes column → Connect schema name, from the record's embedded schema (empty without one) */
    public RowColumns(JsonNode row, Map<String, String> columnTypes) {
        if (row == null || !row.isObject()) {
            throw new UnmappableChangeException("row image is " + (row == null ? "missing" : "not a JSON object"));
        }
        this.row = row;
        this.columnTypes = columnTypes;
    }

    /** The value of a column that must be present and not NULL. */
    public String requiredText(String column) {
        String value = text(column);
        if (value == null) {
            throw new UnmappableChangeException("key column " + column + " is missing or NULL");
        }
        return value;
    }

    /** A CHAR(n) column without its trailing blank padding, as PostgreSQL compares it. */
    public String requiredChar(String column) {
        return stripPadding(requiredText(column));
    }

    /**
     * @return the conflict version of a {@code temporal.executions} row image, captured in {@code region}
     * @throws UnmappableChangeException when a version column is missing, NULL or not a number
     */
    public ConflictVersion conflictVersion(String region) {
        Long lastWrite = bigint(ConflictVersion.LAST_WRITE_VERSION);
        Long record = bigint(ConflictVersion.DB_RECORD_VERSION);
        if (lastWrite == null || record == null) {
            throw new UnmappableChangeException(
                    (lastWrite == null ? ConflictVersion.LAST_WRITE_VERSION : ConflictVersion.DB_RECORD_VERSION)
                            + " is missing or NULL");
        }
        return new ConflictVersion(lastWrite, record, region);
    }

    public String text(String column) {
        JsonNode value = value(column);
        if (value == null) {
            return null;
        }
        if (!value.isTextual()) {
            throw wrongType(column, "a string", value);
        }
        return value.textValue();
    }

    public Integer integer(String column) {
        JsonNode value = value(column);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(column, "a 32-bit integer", value);
        }
        return value.intValue();
    }

    public Long bigint(String column) {
        JsonNode value = value(column);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(column, "a 64-bit integer", value);
        }
        return value.longValue();
    }

    /**
     * A TIMESTAMP column (UTC) in epoch microseconds. Debezium sends {@code timestamp(6)} as epoch microseconds
     * ({@code io.debezium.time.MicroTimestamp}) under its default {@code time.precision.mode}; where the embedded
     * schema names another unit (milliseconds under {@code connect}, nanoseconds), the value is converted. Without
     * an embedded schema microseconds are assumed, which is why cdc-source refuses other precision modes.
     */
    public Long epochMicros(String column) {
        JsonNode value = value(column);
        if (value == null) {
            return null;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(column, "an epoch timestamp (an integer)", value);
        }
        String type = columnTypes.get(column);
        if (type == null) {
            return value.longValue();
        }
        if (NANO_TIMESTAMP.equals(type)) {
            return Math.floorDiv(value.longValue(), 1_000L);
        }
        Long unit = TIMESTAMP_UNITS.get(type);
        if (unit == null) {
            throw new UnmappableChangeException(column + " arrived as " + type
                    + ", which is not an epoch timestamp: set Debezium's time.precision.mode to adaptive");
        }
        try {
            return Math.multiplyExact(value.longValue(), unit);
        } catch (ArithmeticException e) {
            throw new UnmappableChangeException(column + " is out of range: " + value, e);
        }
    }

    /** A BYTEA column: base64 text in the event. */
    public byte[] bytes(String column) {
        String value = text(column);
        if (value == null) {
            return null;
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new UnmappableChangeException(column + " is not valid base64: " + e.getMessage(), e);
        }
    }

    /** A JSON/JSONB column: JSON text in the event (an already parsed object is accepted too). */
    public JsonNode json(String column) {
        JsonNode value = value(column);
        if (value == null || value.isContainerNode()) {
            return value;
        }
        if (!value.isTextual()) {
            throw wrongType(column, "JSON text", value);
        }
        return JsonText.parse(column, value.textValue());
    }

    /** Formats epoch microseconds as {@link #MICROS_UTC}. */
    public static String isoMicros(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, MICROS_PER_SECOND);
        long micros = Math.floorMod(epochMicros, MICROS_PER_SECOND);
        return MICROS_UTC.format(Instant.ofEpochSecond(seconds, micros * 1_000L));
    }

    /** Removes trailing blanks only: PostgreSQL's bpchar semantics, nothing else is trimmed. */
    public static String stripPadding(String value) {
        int end = value.length();
        while (end > 0 && value.charAt(end - 1) == ' ') {
            end--;
        }
        return value.substring(0, end);
    }

    private JsonNode value(String column) {
        JsonNode value = row.get(column);
        if (value != null && value.isTextual() && UNAVAILABLE.contains(value.textValue())) {
            throw new UnmappableChangeException(column + " arrived as Debezium's unavailable-value placeholder: the"
                    + " table's REPLICA IDENTITY is not FULL, so an unchanged large value was not logged");
        }
        return value == null || value.isNull() ? null : value;
    }

    private static UnmappableChangeException wrongType(String column, String expected, JsonNode actual) {
        return new UnmappableChangeException(column + " must be " + expected + " but is "
                + actual.getNodeType().name().toLowerCase() + " " + abbreviate(actual.toString()));
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
