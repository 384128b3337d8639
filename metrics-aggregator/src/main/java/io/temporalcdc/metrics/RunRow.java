package io.temporalcdc.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.RowColumns;
import io.temporalcdc.runtime.UnmappableChangeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What the metrics need of one visibility row: its group (namespace, workflow type, UTC day of start_time), its
 * status and its times.
 *
 * @param namespace {@code namespace_id} without its CHAR(n) padding
 * @param workflowType {@code workflow_type_name}
 * @param startMicros {@code start_time}, epoch microseconds (UTC)
 * @param closeMicros {@code close_time}, epoch microseconds (UTC); null while the run is open
 * @param status Temporal's workflow execution status, 0 … 7
 */
public record RunRow(String namespace, String workflowType, long startMicros, Long closeMicros, int status) {
    /** The columns read: what the decoder builds of each row image. */
    public static final Set<String> COLUMNS =
            Set.of("namespace_id", "run_id", "workflow_type_name", "start_time", "close_time", "status");

    /** Temporal's {@code WorkflowExecutionStatus}: 0 unspecified, 1 running … 7 timed out. */
    public static final int RUNNING = 1;
    /** The highest status number Temporal defines (timed out). */
    public static final int MAX_STATUS = 7;

    private static final long MICROS_PER_DAY = 86_400_000_000L;

    public RunRow {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(workflowType, "workflowType");
    }

    /**
     * Reads a row image.
     *
     * @throws UnmappableChangeException naming the column that is missing, of the wrong type, or out of range
     */
    public static RunRow of(JsonNode row, Map<String, String> columnTypes) {
        RowColumns columns = new RowColumns(row, columnTypes);
        String namespace = columns.requiredChar("namespace_id");
        String type = columns.text("workflow_type_name");
        Long start = columns.epochMicros("start_time");
        Integer status = columns.integer("status");
        if (type == null || start == null || status == null) {
            throw new UnmappableChangeException(
                    (type == null ? "workflow_type_name" : start == null ? "start_time" : "status")
                            + " is missing or NULL (the column is NOT NULL in the visibility table)");
        }
        if (status < 0 || status > MAX_STATUS) {
            throw new UnmappableChangeException("status " + status
                    + " is not a Temporal workflow execution status (0 unspecified, 1 running … 7 timed out)");
        }
        return new RunRow(namespace, type, start, columns.epochMicros("close_time"), status);
    }

    /** @return the UTC day of start_time, as PostgreSQL's {@code DATE(start_time)} */
    public LocalDate startDate() {
        return LocalDate.ofEpochDay(Math.floorDiv(startMicros, MICROS_PER_DAY));
    }

    /** @return whether the run has a close_time: it counts in the durations */
    public boolean closed() {
        return closeMicros != null;
    }

    /** @return close_time − start_time in microseconds; only when {@link #closed()} */
    public long durationMicros() {
        return closeMicros - startMicros;
    }

    /** @return the key of the run's namespace and type: {@code namespace \0 workflowType} */
    public String typeKey() {
        return typeKey(namespace, workflowType);
    }

    /** @return {@code namespace \0 workflowType} */
    public static String typeKey(String namespace, String workflowType) {
        return namespace + '\0' + workflowType;
    }

    void write(Codec.Writer out) {
        out.text(namespace).text(workflowType).number(startMicros).bool(closeMicros != null);
        if (closeMicros != null) {
            out.number(closeMicros);
        }
        out.number(status);
    }

    static RunRow read(Codec.Reader in) {
        String namespace = in.text();
        String type = in.text();
        long start = in.number();
        Long close = in.bool() ? in.number() : null;
        return new RunRow(namespace, type, start, close, (int) in.number());
    }

    /** @return the UTC day of epoch microseconds */
    static LocalDate dateOf(long epochMicros) {
        return LocalDate.ofEpochDay(Math.floorDiv(epochMicros, MICROS_PER_DAY));
    }

    /** @return the first day inside a window of {@code days} days before the day of {@code nowMs} (UTC) */
    static LocalDate windowStart(long nowMs, int days) {
        return java.time.Instant.ofEpochMilli(nowMs)
                .atZone(ZoneOffset.UTC)
                .toLocalDate()
                .minusDays(days);
    }
}
