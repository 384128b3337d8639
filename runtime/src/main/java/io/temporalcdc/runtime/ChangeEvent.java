package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One Debezium change event, decoded. {@code key}, {@code before} and {@code after} are the
 * payload values as Debezium writes them: {@code bytea} as base64 text, {@code timestamp(6)} as epoch
 * microseconds, {@code json}/{@code jsonb} as a string, {@code char(n)} space-padded.
 *
 * @param op what happened to the row
 * @param key the primary key (null when the record has none)
 * @param before the row before the change (deletes and, with REPLICA IDENTITY FULL, updates)
 * @param after the row after the change (creates, updates, snapshot reads)
 * @param source where and when the change was committed (null for tombstones)
 * @param columnTypes the Kafka Connect schema name of each row column that has one (e.g. {@code
 *     io.debezium.time.MicroTimestamp}), from the embedded schema; empty when the record carries no schema
 */
public record ChangeEvent(
        Op op, JsonNode key, JsonNode before, JsonNode after, Source source, Map<String, String> columnTypes) {

    public ChangeEvent {
        columnTypes = columnTypes == null ? Map.of() : columnTypes;
    }

    /** An event without schema information. */
    public ChangeEvent(Op op, JsonNode key, JsonNode before, JsonNode after, Source source) {
        this(op, key, before, after, source, Map.of());
    }

    /** Debezium's {@code op} codes, plus the tombstone that follows a delete. */
    public enum Op {
        CREATE,
        UPDATE,
        DELETE,
        READ,
        TRUNCATE,
        TOMBSTONE;

        static Op of(String code) {
            return switch (code) {
                case "c" -> CREATE;
                case "u" -> UPDATE;
                case "d" -> DELETE;
                case "r" -> READ;
                case "t" -> TRUNCATE;
                default -> throw new DecodingException("unknown op \"" + code + "\"");
            };
        }
    }

    /**
     * Debezium's {@code source} block.
     *
     * @param lsn PostgreSQL log sequence number of the change; -1 when the connector gives none
     * @param lastCommitLsn the first element of Debezium's {@code source.sequence}: the end LSN of the last
     *     transaction the connector saw committed before this change's transaction, which grows with commit order;
     *     null when the connector gives none (the first transaction after an initial snapshot)
     * @param tsMs commit time at the source, epoch milliseconds
     * @param snapshot whether the event was read by a snapshot rather than streamed
     */
    public record Source(
            String connector,
            String db,
            String schema,
            String table,
            long lsn,
            Long lastCommitLsn,
            Long txId,
            long tsMs,
            boolean snapshot) {}

    /** The row the event is about: {@code after} for c/u/r, {@code before} for d, null otherwise. */
    public JsonNode row() {
        return switch (op) {
            case CREATE, UPDATE, READ -> after;
            case DELETE -> before;
            case TRUNCATE, TOMBSTONE -> null;
        };
    }

    /** Whether this is the null-valued record that follows a delete. */
    public boolean isTombstone() {
        return op == Op.TOMBSTONE;
    }
}
