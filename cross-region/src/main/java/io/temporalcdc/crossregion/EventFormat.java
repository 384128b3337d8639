package io.temporalcdc.crossregion;

import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * How {@code <prefix>.replication-events} values are written: JSON ({@link #json()}, without a schema registry), or
 * Avro in the Confluent wire format ({@link #avro}: magic byte 0, the schema id as 4 bytes, Avro binary) with the
 * schema {@code avro/replication_event.avsc} of {@code schemas} registered under {@code <topic>-value}, so a
 * consumer with Confluent's deserializer reads them.
 */
public abstract sealed class EventFormat permits EventFormat.Json, EventFormat.Avro {
    /** The events' Avro schema. */
    public static final Schema SCHEMA = load();

    /** @return the event's bytes */
    public abstract byte[] write(ReplicationEvent event);

    /** @return JSON events */
    public static EventFormat json() {
        return new Json();
    }

    /** @return Avro events, the schema registered under {@code topic + "-value"} in {@code registry} */
    public static EventFormat avro(SchemaRegistryClient registry, String topic) {
        return new Avro(registry.register(topic + "-value", SCHEMA.toString()));
    }

    /** JSON, as {@link ReplicationEvent}'s fields name it (nulls left out). */
    static final class Json extends EventFormat {
        @Override
        public byte[] write(ReplicationEvent event) {
            return CrossRegionTopology.write(event);
        }

        @Override
        public String toString() {
            return "JSON";
        }
    }

    /** Avro in the Confluent wire format. */
    static final class Avro extends EventFormat {
        private final int schemaId;
        private final GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(SCHEMA);

        Avro(int schemaId) {
            this.schemaId = schemaId;
        }

        @Override
        public byte[] write(ReplicationEvent event) {
            GenericRecord record = new GenericData.Record(SCHEMA);
            record.put("type", event.type());
            record.put("table", event.table());
            record.put("key", event.key());
            record.put("version", event.version());
            record.put("originRegion", event.originRegion());
            record.put("region", event.region());
            record.put("originCommitMs", event.originCommitMs());
            record.put("capturedMs", event.capturedMs());
            record.put("lagMs", event.lagMs());
            record.put("versions", event.versions() == null ? null : new LinkedHashMap<>(event.versions()));
            record.put("sinceMs", event.sinceMs());
            record.put("openForMs", event.openForMs());
            record.put("atMs", event.atMs());
            ByteArrayOutputStream out = new ByteArrayOutputStream(128);
            out.write(0);
            out.writeBytes(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            try {
                writer.write(record, encoder);
                encoder.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        }

        @Override
        public String toString() {
            return "Avro (schema id " + schemaId + ")";
        }
    }

    /**
     * Reads an Avro event back (tests, tools): the schema id and the fields.
     *
     * @return the schema id and the record's fields by name
     */
    public static Map.Entry<Integer, GenericRecord> readAvro(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < 5 || buffer.get() != 0) {
            throw new IllegalArgumentException("not the Confluent wire format (magic byte 0)");
        }
        int id = buffer.getInt();
        try {
            GenericRecord record = new GenericDatumReader<GenericRecord>(SCHEMA)
                    .read(null, DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
            return Map.entry(id, record);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a replication event: " + e.getMessage(), e);
        }
    }

    private static Schema load() {
        try (InputStream in = EventFormat.class.getResourceAsStream("/avro/replication_event.avsc")) {
            if (in == null) {
                throw new IllegalStateException("missing resource avro/replication_event.avsc (module schemas)");
            }
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
