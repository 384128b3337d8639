package io.temporalcdc.cdcsource;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
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
 * is the same for every record of a table: in a drain that was half of cdc-source's CPU. This converter takes a
 * schema's first record from JsonConverter itself, keeps the bytes of {@code S} it wrote (checked to be the envelope
 * around the payload that a schema-less JsonConverter writes for the same record), and for the next records of that
 * schema object writes only {@code P} and puts the kept bytes around it. Debezium keeps one schema object per table
 * version, so a schema change starts again from JsonConverter. Any other record (no schema, a null value, schemas
 * disabled) is JsonConverter's own.
 */
final class EnvelopeJsonConverter implements Converter, AutoCloseable {
    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_INFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);
    /** Schema objects kept; beyond that (schemas that keep changing) the cache starts again. */
    private static final int MAX_SCHEMAS = 1_024;

    private final JsonConverter envelope = new JsonConverter();
    private final JsonConverter payload = new JsonConverter();
    private boolean schemasEnabled;
    /** The bytes of each schema's JSON, by schema object (Debezium reuses them; equality would compare them deeply). */
    private final Map<Schema, byte[]> schemas = new IdentityHashMap<>();

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
        byte[] schemaJson;
        synchronized (schemas) {
            schemaJson = schemas.get(schema);
        }
        if (schemaJson == null) {
            byte[] whole = envelope.fromConnectData(topic, schema, value);
            schemaJson = schemaOf(whole, payload.fromConnectData(topic, schema, value));
            if (schemaJson == null) {
                return whole; // not the shape expected: JsonConverter's own bytes, and no shortcut for this schema
            }
            synchronized (schemas) {
                if (schemas.size() >= MAX_SCHEMAS) {
                    schemas.clear();
                }
                schemas.put(schema, schemaJson);
            }
            return whole;
        }
        byte[] body = payload.fromConnectData(topic, schema, value);
        byte[] out = new byte[SCHEMA_PREFIX.length + schemaJson.length + PAYLOAD_INFIX.length + body.length + 1];
        int at = put(out, 0, SCHEMA_PREFIX);
        at = put(out, at, schemaJson);
        at = put(out, at, PAYLOAD_INFIX);
        at = put(out, at, body);
        out[at] = '}';
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

    /** @return how many schemas' JSON is kept (for tests: the shortcut is taken) */
    int cachedSchemas() {
        synchronized (schemas) {
            return schemas.size();
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
