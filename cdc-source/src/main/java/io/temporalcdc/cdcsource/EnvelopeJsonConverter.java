package io.temporalcdc.cdcsource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.Converter;

/**
 * Kafka Connect's {@link JsonConverter}, byte for byte, that writes each schema's JSON once instead of once per record.
 *
 * <p>With {@code schemas.enable=true} JsonConverter builds the envelope {@code {"schema":S,"payload":P}} as a tree
 * and serializes all of it for every record, although {@code S} (about 3 KB for a visibility row, most of the bytes)
 * is the same for every record of a table: under load that was half of cdc-source's CPU. This converter takes a
 * topic's first record of a schema from JsonConverter itself, keeps the bytes of {@code S} it wrote (checked to be the
 * envelope around the payload that a schema-less JsonConverter writes for the same record), and for the next records
 * of the same schema object on that topic writes only {@code P} and puts the kept bytes around it. One schema is kept
 * per topic, the last one seen: Debezium builds new schema objects whenever PostgreSQL sends a table's relation
 * again (each VACUUM or ANALYZE of it, a reconnect, a DDL), and a new object starts again from JsonConverter. Any other record (no schema, a null value,
 * schemas disabled) is JsonConverter's own.
 */
final class EnvelopeJsonConverter implements Converter, AutoCloseable {
    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_INFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
    /** Topics kept; beyond that (topics without end) the cache starts again. */
    private static final int MAX_TOPICS = 1_024;
    /** Kept for a schema whose envelope is not of the expected shape: JsonConverter writes all its records. */
    private static final byte[] NO_SHORTCUT = new byte[0];

    private final JsonConverter envelope = new JsonConverter();
    private final JsonConverter payload = new JsonConverter();
    private boolean schemasEnabled;

    /** A topic's last schema object (compared by identity: equality would compare it deeply) and its JSON. */
    private record Known(Schema schema, byte[] json) {}

    private final Map<String, Known> topics = new HashMap<>();
    /** Records written from a kept schema's JSON (for tests: the shortcut is taken). */
    private long shortcuts;

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        envelope.configure(configs, isKey);
        Map<String, Object> bare = new HashMap<>(configs);
        bare.put(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false");
        payload.configure(bare, isKey);
        Object enabled = configs.get(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG);
        schemasEnabled =
                enabled == null || Boolean.parseBoolean(enabled.toString().trim());
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (!schemasEnabled || schema == null || value == null) {
            return envelope.fromConnectData(topic, schema, value);
        }
        Known known;
        synchronized (topics) {
            known = topics.get(topic);
        }
        if (known == null || known.schema() != schema) {
            byte[] whole = envelope.fromConnectData(topic, schema, value);
            byte[] schemaJson = schemaOf(whole, payload.fromConnectData(topic, schema, value));
            synchronized (topics) {
                if (topics.size() >= MAX_TOPICS && !topics.containsKey(topic)) {
                    topics.clear();
                }
                topics.put(topic, new Known(schema, schemaJson == null ? NO_SHORTCUT : schemaJson));
            }
            return whole;
        }
        if (known.json() == NO_SHORTCUT) {
            return envelope.fromConnectData(topic, schema, value);
        }
        byte[] schemaJson = known.json();
        byte[] body = payload.fromConnectData(topic, schema, value);
        byte[] out = new byte[SCHEMA_PREFIX.length + schemaJson.length + PAYLOAD_INFIX.length + body.length + 1];
        int at = put(out, 0, SCHEMA_PREFIX);
        at = put(out, at, schemaJson);
        at = put(out, at, PAYLOAD_INFIX);
        at = put(out, at, body);
        out[at] = '}';
        synchronized (topics) {
            shortcuts++;
        }
        return out;
    }

    /** The schema's JSON in {@code whole}, if it is exactly {@code {"schema":S,"payload":body}}; null otherwise. */
    static byte[] schemaOf(byte[] whole, byte[] body) {
        if (whole == null || body == null) {
            return null;
        }
        int end = whole.length - 1 - body.length - PAYLOAD_INFIX.length; // where S ends
        if (end <= SCHEMA_PREFIX.length
                || whole[whole.length - 1] != '}'
                || !Arrays.equals(whole, 0, SCHEMA_PREFIX.length, SCHEMA_PREFIX, 0, SCHEMA_PREFIX.length)
                || !Arrays.equals(whole, end, end + PAYLOAD_INFIX.length, PAYLOAD_INFIX, 0, PAYLOAD_INFIX.length)
                || !Arrays.equals(whole, end + PAYLOAD_INFIX.length, whole.length - 1, body, 0, body.length)) {
            return null;
        }
        return Arrays.copyOfRange(whole, SCHEMA_PREFIX.length, end);
    }

    /** @return how many records were written from a kept schema's JSON (for tests: the shortcut is taken) */
    long shortcuts() {
        synchronized (topics) {
            return shortcuts;
        }
    }

    private static int put(byte[] out, int at, byte[] part) {
        System.arraycopy(part, 0, out, at, part.length);
        return at + part.length;
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        return envelope.toConnectData(topic, value);
    }

    @Override
    public void close() {
        Utils.closeQuietly(envelope, "JSON converter");
        Utils.closeQuietly(payload, "JSON payload converter");
    }
}
