package io.temporalcdc.cdcsource.avro;

import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.runtime.registry.SchemaRegistryException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

/**
 * A Kafka Connect {@link Converter} writing the Confluent wire format: magic byte 0, the schema's 4-byte registry id
 * (big-endian), the Avro binary encoding. The schema ({@link ConnectAvroSchemas}) is registered under {@code
 * <topic>-key} or {@code <topic>-value} (Confluent's TopicNameStrategy) in any registry speaking Confluent's REST API.
 * A null value with a null schema (a delete's tombstone) stays null.
 *
 * <p>Settings: {@value #REGISTRY_URL} (required). It writes only: cdc-source and source connectors use it;
 * {@link #toConnectData} is refused (the apps read these records with runtime's change event decoders).
 *
 * <p>A registry that refuses a schema (incompatible with the subject's latest version, say) fails the conversion with
 * a {@link SchemaRegistryException} naming the subject: the record is not written, and nothing after it is.
 */
public final class AvroConverter implements Converter {

    /** The registry's base URL, e.g. {@code http://registry:8081} or {@code http://host:8080/apis/ccompat/v7}. */
    public static final String REGISTRY_URL = "schema.registry.url";

    static final byte MAGIC = 0;

    /** Topics kept; beyond that (topics without end) the cache starts again. */
    private static final int MAX_TOPICS = 1_024;

    private final ConnectAvroSchemas schemas = new ConnectAvroSchemas();

    /**
     * A topic's last Connect schema object (compared by identity: equality compares it deeply), its Avro schema,
     * registry id and writer. One per topic, the last one seen: Debezium builds new schema objects whenever PostgreSQL
     * sends a table's relation again (each VACUUM or ANALYZE of it, a reconnect, a DDL); a cache keyed by schema
     * object kept every dead one.
     */
    private record Known(Schema schema, int id, GenericDatumWriter<Object> writer) {}

    private final Map<String, Known> topics = new HashMap<>();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(4096);
    private SchemaRegistryClient registry;
    /** Whether this converter made its registry client (then it closes it). */
    private boolean ownsRegistry;

    private boolean isKey;
    private BinaryEncoder encoder;

    /** For Kafka Connect's reflection. */
    public AvroConverter() {}

    /** A converter over a client the caller made (and shares). */
    public AvroConverter(SchemaRegistryClient registry, boolean isKey) {
        this.registry = registry;
        this.isKey = isKey;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        if (registry == null) {
            Object url = configs.get(REGISTRY_URL);
            if (url == null || url.toString().isBlank()) {
                throw new org.apache.kafka.common.config.ConfigException(
                        REGISTRY_URL, url, "the Avro converter needs the schema registry's URL");
            }
            registry = SchemaRegistryClient.of(url.toString(), null);
            ownsRegistry = true;
        }
    }

    /** The subject of {@code topic}'s keys or values. */
    public static String subject(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    public synchronized byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (schema == null) {
            if (value == null) {
                return null;
            }
            throw new DataException(topic + ": cannot write a value without a schema as Avro");
        }
        if (value == null && schema.isOptional()) {
            return null;
        }
        Known known = known(topic, schema);
        try {
            buffer.reset();
            buffer.write(MAGIC);
            buffer.write(ByteBuffer.allocate(4).putInt(known.id()).array());
            encoder = EncoderFactory.get().binaryEncoder(buffer, encoder); // buffered: flushed below
            known.writer().write(schemas.avroValue(schema, value), encoder);
            encoder.flush();
            return buffer.toByteArray();
        } catch (IOException | RuntimeException e) {
            encoder = null; // it may hold part of the failed record: the next one starts from a new encoder
            if (e instanceof SchemaRegistryException registryFailure) {
                throw registryFailure;
            }
            throw new DataException(topic + ": cannot write the " + (isKey ? "key" : "value") + " as Avro: " + e, e);
        }
    }

    private Known known(String topic, Schema schema) {
        Known known = topics.get(topic);
        if (known != null && known.schema() == schema) {
            return known;
        }
        org.apache.avro.Schema avroSchema = schemas.avroSchema(schema);
        // the client keeps the ids of the schemas it registered: an equal schema in a new object costs no request
        int id = registry.register(subject(topic, isKey), avroSchema.toString());
        if (topics.size() >= MAX_TOPICS && !topics.containsKey(topic)) {
            topics.clear();
        }
        known = new Known(schema, id, new GenericDatumWriter<>(avroSchema));
        topics.put(topic, known);
        return known;
    }

    /** @return the topics whose schema is kept (for tests) */
    synchronized int knownTopics() {
        return topics.size();
    }

    @Override
    public synchronized void close() {
        if (ownsRegistry && registry != null) {
            registry.close();
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        throw new UnsupportedOperationException(
                "temporal-cdc's AvroConverter writes only; read these records with the apps' change event decoders");
    }
}
