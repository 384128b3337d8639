package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads the Debezium envelope as Kafka Connect's {@code JsonConverter} writes it, with the embedded
 * schema ({@code {"schema":…,"payload":…}}, {@code schemas.enable=true}) or without it.
 */
public final class JsonChangeEventDecoder implements ChangeEventDecoder {
    private final ObjectMapper mapper = new ObjectMapper();

    @Override
    public ChangeEvent decode(String topic, byte[] key, byte[] value) {
        JsonNode keyNode = key == null ? null : payload(parse(topic, "key", key));
        JsonNode envelope = value == null ? null : payload(parse(topic, "value", value));
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
        return new ChangeEvent(kind, keyNode, before, after, source(topic, envelope.get("source")));
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
                txId != null && txId.canConvertToLong() ? txId.asLong() : null,
                ts.asLong(),
                isSnapshot);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
