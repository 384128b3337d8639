package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import io.temporalcdc.runtime.registry.SchemaRegistryException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Reads Debezium records in the Confluent wire format (magic byte 0, 4-byte schema id, Avro binary), the writer's
 * schema fetched from the registry by id (once per id). The tree it builds is the one {@link JsonChangeEventDecoder}
 * builds from Kafka Connect's JSON of the same change, so readers see no difference: bytes as base64 text, ints that
 * fit as ints, {@code connect.name} of each column as its type.
 *
 * <p>A record whose bytes do not match its schema is a {@link DecodingException} (dead-lettered). A schema id the
 * registry cannot give (unreachable after the client's retries, or unknown to it: the wrong or an emptied registry)
 * is a {@link SchemaRegistryException}, which stops the app rather than dead-letter every good record after it.
 */
public final class AvroChangeEventDecoder implements ChangeEventDecoder {

    /** The Confluent wire format's first byte. */
    public static final byte MAGIC = 0;

    private static final int HEADER = 5;
    private static final String CONNECT_NAME = "connect.name";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SchemaRegistryClient registry;
    /** The row columns to build; null for all. */
    private final Set<String> columns;

    private final Map<Integer, Reader> readers = new ConcurrentHashMap<>();

    private record Reader(GenericDatumReader<Object> reader, Map<String, String> columnTypes) {}

    /**
     * @param registry where schemas are read by id
     * @param columns the row columns to build (others are decoded and dropped), or null for all
     */
    public AvroChangeEventDecoder(SchemaRegistryClient registry, Set<String> columns) {
        this.registry = registry;
        this.columns = columns == null ? null : Set.copyOf(columns);
    }

    /** Whether {@code bytes} is in the Confluent wire format (a JSON document never starts with byte 0). */
    public static boolean isAvro(byte[] bytes) {
        return bytes != null && bytes.length >= HEADER && bytes[0] == MAGIC;
    }

    @Override
    public ChangeEvent decode(String topic, byte[] key, byte[] value) {
        return DebeziumEnvelope.decode(topic, key, value, this::part);
    }

    DecodedPart part(String topic, String part, byte[] bytes) {
        if (!isAvro(bytes)) {
            throw new DecodingException(topic + ": " + part + " is not in the Confluent Avro wire format (magic byte 0"
                    + " and a 4-byte schema id)");
        }
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        Reader reader = reader(topic, part, id);
        Object datum;
        try {
            BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes, HEADER, bytes.length - HEADER, null);
            datum = reader.reader().read(null, decoder);
            if (!decoder.isEnd()) {
                throw new DecodingException(
                        topic + ": " + part + " has bytes left after its Avro datum (schema id " + id + ")");
            }
        } catch (IOException | AvroRuntimeException | IndexOutOfBoundsException | ClassCastException e) {
            throw new DecodingException(
                    topic + ": " + part + " does not match its Avro schema (id " + id + "): " + e, e);
        }
        boolean project = columns != null && part.equals("value");
        if (project && !(datum instanceof GenericRecord)) {
            throw new DecodingException(topic + ": value is not a Debezium envelope (an Avro record)");
        }
        return new DecodedPart(project ? envelope((GenericRecord) datum) : tree(datum), reader.columnTypes());
    }

    private Reader reader(String topic, String part, int id) {
        Reader known = readers.get(id);
        if (known != null) {
            return known;
        }
        String text;
        try {
            text = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            // not the record's fault: a registry that lost its schemas, a replica behind, or the wrong registry.
            // Dead-lettering would pass over every good record: the app stops and resumes once the id resolves.
            throw new SchemaRegistryException(
                    topic + ": " + part + " names schema id " + id + ", which the registry " + registry.baseUrl()
                            + " could not give (" + e.getMessage() + "); check schema.registry.url",
                    e.status(),
                    e.errorCode(),
                    null,
                    e);
        }
        Schema schema;
        try {
            schema = new Schema.Parser().parse(text);
        } catch (SchemaParseException e) {
            throw new DecodingException(topic + ": schema id " + id + " is not a valid Avro schema: " + e, e);
        }
        Reader reader = new Reader(new GenericDatumReader<>(schema), columnTypes(schema));
        readers.put(id, reader);
        return reader;
    }

    /** Column → {@code connect.name}, from the record schema of {@code after} (or {@code before}). */
    private static Map<String, String> columnTypes(Schema envelope) {
        Map<String, String> types = new HashMap<>();
        if (envelope.getType() != Schema.Type.RECORD) {
            return Map.of();
        }
        for (String image : new String[] {"after", "before"}) {
            Schema.Field field = envelope.getField(image);
            if (field == null) {
                continue;
            }
            Schema row = nonNull(field.schema());
            if (row.getType() != Schema.Type.RECORD) {
                continue;
            }
            for (Schema.Field column : row.getFields()) {
                String name = nonNull(column.schema()).getProp(CONNECT_NAME);
                if (name != null) {
                    types.putIfAbsent(column.name(), name);
                }
            }
        }
        return Map.copyOf(types);
    }

    private static Schema nonNull(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            for (Schema branch : schema.getTypes()) {
                if (branch.getType() != Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    /** The envelope with {@code before}/{@code after} cut down to the columns. */
    private JsonNode envelope(GenericRecord envelope) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : envelope.getSchema().getFields()) {
            Object value = envelope.get(field.pos());
            boolean image = field.name().equals("before") || field.name().equals("after");
            node.set(field.name(), image && value instanceof GenericRecord row ? columns(row) : tree(value));
        }
        return node;
    }

    private ObjectNode columns(GenericRecord row) {
        ObjectNode node = NODES.objectNode();
        for (Schema.Field field : row.getSchema().getFields()) {
            if (columns.contains(field.name())) {
                node.set(field.name(), tree(row.get(field.pos())));
            }
        }
        return node;
    }

    /** The tree Kafka Connect's JsonConverter would write for the same value. */
    static JsonNode tree(Object value) {
        if (value == null) {
            return NODES.nullNode();
        }
        if (value instanceof GenericRecord record) {
            ObjectNode node = NODES.objectNode();
            for (Schema.Field field : record.getSchema().getFields()) {
                node.set(field.name(), tree(record.get(field.pos())));
            }
            return node;
        }
        if (value instanceof CharSequence text) {
            return NODES.textNode(text.toString());
        }
        if (value instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (value instanceof Long l) {
            // Jackson reads a JSON number that fits an int as an int: the same here
            return l == l.intValue() ? NODES.numberNode(l.intValue()) : NODES.numberNode(l);
        }
        if (value instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (value instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (value instanceof Float f) {
            // JsonConverter prints the float's shortest decimal form, which JSON readers then read as a double
            return NODES.numberNode(Double.parseDouble(Float.toString(f)));
        }
        if (value instanceof ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode node = NODES.objectNode();
            map.forEach((k, v) -> node.set(k.toString(), tree(v)));
            return node;
        }
        if (value instanceof Collection<?> items) {
            ArrayNode node = NODES.arrayNode();
            for (Object item : items) {
                if (item instanceof GenericRecord entry
                        && entry.getSchema().getName().equals("MapEntry")
                        && entry.getSchema().getFields().size() == 2) {
                    // a map whose keys are not strings: JsonConverter writes [key, value] pairs
                    node.add(NODES.arrayNode().add(tree(entry.get("key"))).add(tree(entry.get("value"))));
                } else {
                    node.add(tree(item));
                }
            }
            return node;
        }
        if (value instanceof org.apache.avro.generic.GenericEnumSymbol<?> symbol) {
            return NODES.textNode(symbol.toString());
        }
        if (value instanceof org.apache.avro.generic.GenericFixed fixed) {
            return NODES.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
        }
        throw new DecodingException(
                "unexpected Avro value of " + value.getClass().getName());
    }
}
