package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the Debezium envelope as Kafka Connect's {@code JsonConverter} writes it, with the embedded
 * schema ({@code {"schema":…,"payload":…}}, {@code schemas.enable=true}) or without it.
 */
public final class JsonChangeEventDecoder implements ChangeEventDecoder {
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public ChangeEvent decode(String topic, byte[] key, byte[] value) {
        JsonNode keyNode = key == null ? null : payload(parse(topic, "key", key));
        JsonNode whole = value == null ? null : parse(topic, "value", value);
        JsonNode envelope = payload(whole);
        if (envelope == null || envelope.isNull()) {
            return new ChangeEvent(ChangeEvent.Op.TOMBSTONE, keyNode, null, null, null);
        }
        if (!envelope.isObject()) {
            throw new DecodingException(topic + ": value is not a Debezium envelope (a JSON object)");
        }
        JsonNode op = envelope.get("op");
        if (op == null || !op.isTextual()) {
            throw new DecodingException(topic + ": envelope has no \"op\"");
        }
        ChangeEvent.Op kind = ChangeEvent.Op.of(op.asText());
        JsonNode before = nullToAbsent(envelope.get("before"));
        JsonNode after = nullToAbsent(envelope.get("after"));
        requireRow(topic, kind, before, after);
        return new ChangeEvent(
                kind, keyNode, before, after, source(topic, envelope.get("source")), columnTypes(whole, envelope));
    }

    private JsonNode parse(String topic, String part, byte[] bytes) {
        try {
            return mapper.readTree(bytes);
        } catch (IOException e) {
            throw new DecodingException(topic + ": " + part + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** Unwraps {@code {"schema":…,"payload":…}}; a plain envelope is returned as it is. */
    private static JsonNode payload(JsonNode node) {
        if (node != null && node.isObject() && node.size() == 2 && node.has("schema") && node.has("payload")) {
            return node.get("payload");
        }
        return node;
    }

    /** Column → Connect schema name, from the embedded schema of {@code after} (or {@code before}). */
    private static Map<String, String> columnTypes(JsonNode whole, JsonNode envelope) {
        if (whole == envelope) {
            return Map.of();
        }
        Map<String, String> types = new HashMap<>();
        for (JsonNode field : whole.get("schema").path("fields")) {
            String name = field.path("field").asText();
            if (name.equals("after") || name.equals("before")) {
                for (JsonNode column : field.path("fields")) {
                    JsonNode type = column.get("name");
                    if (type != null && type.isTextual()) {
                        types.putIfAbsent(column.path("field").asText(), type.textValue());
                    }
                }
            }
        }
        return types;
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

    private ChangeEvent.Source source(String topic, JsonNode source) {
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
    private Long lastCommitLsn(String topic, JsonNode sequence) {
        if (sequence == null || !sequence.isTextual()) {
            return null;
        }
        try {
            JsonNode first = mapper.readTree(sequence.textValue()).path(0);
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
