package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Reads Debezium's envelope ({@code op}, {@code before}, {@code after}, {@code source}) from its tree, for every decoder. */
final class DebeziumEnvelope {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DebeziumEnvelope() {}

    /** Reads one part (key or value) of a record. */
    @FunctionalInterface
    interface PartReader {
        DecodedPart read(String topic, String part, byte[] bytes);
    }

    /** The event of a record, its key and value read by {@code reader} (a null value is a tombstone). */
    static ChangeEvent decode(String topic, byte[] key, byte[] value, PartReader reader) {
        JsonNode keyNode = key == null ? null : reader.read(topic, "key", key).node();
        DecodedPart payload = value == null ? DecodedPart.NONE : reader.read(topic, "value", value);
        return event(topic, keyNode, payload);
    }

    /** The event of a record whose key and value (null or {@link DecodedPart#NONE} for a tombstone) were decoded. */
    static ChangeEvent event(String topic, JsonNode key, DecodedPart value) {
        JsonNode envelope = value.node();
        if (envelope == null || envelope.isNull()) {
            return new ChangeEvent(ChangeEvent.Op.TOMBSTONE, key, null, null, null);
        }
        if (!envelope.isObject()) {
            throw new DecodingException(topic + ": value is not a Debezium envelope (an object)");
        }
        JsonNode op = envelope.get("op");
        if (op == null || !op.isTextual()) {
            throw new DecodingException(topic + ": envelope has no \"op\"");
        }
        ChangeEvent.Op kind = ChangeEvent.Op.of(op.asText());
        JsonNode before = nullToAbsent(envelope.get("before"));
        JsonNode after = nullToAbsent(envelope.get("after"));
        requireRow(topic, kind, before, after);
        return new ChangeEvent(kind, key, before, after, source(topic, envelope.get("source")), value.columnTypes());
    }

    private static JsonNode nullToAbsent(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private static void requireRow(String topic, ChangeEvent.Op op, JsonNode before, JsonNode after) {
        boolean ok = switch (op) {
            case CREATE, UPDATE, READ -> after != null && after.isObject();
            case DELETE -> before != null && before.isObject();
            case TRUNCATE, TOMBSTONE -> true;
        };
        if (!ok) {
            throw new DecodingException(topic + ": op " + op + " without the row it needs ("
                    + (op == ChangeEvent.Op.DELETE ? "before" : "after") + ")");
        }
    }

    private static ChangeEvent.Source source(String topic, JsonNode source) {
        if (source == null || !source.isObject()) {
            throw new DecodingException(topic + ": envelope has no \"source\" block");
        }
        JsonNode ts = source.get("ts_ms");
        if (ts == null || !ts.canConvertToLong()) {
            throw new DecodingException(topic + ": source has no numeric \"ts_ms\"");
        }
        JsonNode lsn = source.get("lsn");
        JsonNode sequence = source.get("sequence");
        JsonNode txId = source.get("txId");
        JsonNode snapshot = source.get("snapshot");
        boolean isSnapshot = snapshot != null
                && !snapshot.isNull()
                && !"false".equals(snapshot.asText())
                && !snapshot.asText().isEmpty();
        return new ChangeEvent.Source(
                text(source, "connector"),
                text(source, "db"),
                text(source, "schema"),
                text(source, "table"),
                lsn != null && lsn.canConvertToLong() ? lsn.asLong() : -1L,
                lastCommitLsn(topic, sequence),
                txId != null && txId.canConvertToLong() ? txId.asLong() : null,
                ts.asLong(),
                isSnapshot);
    }

    /** Debezium's {@code sequence} is a JSON array in a string: {@code ["<last commit lsn>","<lsn>"]}. */
    private static Long lastCommitLsn(String topic, JsonNode sequence) {
        if (sequence == null || !sequence.isTextual()) {
            return null;
        }
        try {
            JsonNode first = MAPPER.readTree(sequence.textValue()).path(0);
            if (first.isNull() || first.isMissingNode()) {
                return null;
            }
            return Long.parseLong(first.asText());
        } catch (IOException | NumberFormatException e) {
            throw new DecodingException(topic + ": source.sequence is not [\"<lsn>\",\"<lsn>\"]: " + sequence, e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
