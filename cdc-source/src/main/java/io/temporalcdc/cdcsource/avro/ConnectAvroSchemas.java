package io.temporalcdc.cdcsource.avro;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Kafka Connect schemas and values as Avro, by the conventions of Confluent's {@code AvroConverter} (its
 * {@code AvroData}), so that a consumer with Confluent's deserializer, or any Avro reader, reads what cdc-source
 * writes:
 *
 * <ul>
 *   <li>a struct is a record named by its Connect name (namespace up to the last dot; {@code
 *       io.confluent.connect.avro.ConnectDefault} when unnamed), with {@code connect.name} (and {@code connect.version}
 *       when set) as properties;
 *   <li>an optional schema is the union {@code ["null", T]} with default null;
 *   <li>int8 and int16 are Avro ints with {@code connect.type} {@code int8}/{@code int16};
 *   <li>a named primitive (Debezium's semantic types: {@code io.debezium.time.MicroTimestamp}, {@code
 *       io.debezium.data.Json}, …) keeps its name as {@code connect.name}, its version as {@code connect.version} and
 *       its parameters as {@code connect.parameters};
 *   <li>Connect's logical types become Avro's: Decimal → bytes {@code decimal} (precision from {@code
 *       connect.decimal.precision}, else 64), Date → int {@code date}, Time → int {@code time-millis}, Timestamp →
 *       long {@code timestamp-millis};
 *   <li>a map with string keys is an Avro map, any other an array of {@code {key, value}} records;
 *   <li>names are made valid Avro names (every other character becomes {@code _}).
 * </ul>
 *
 * <p>One instance per thread: it caches the Avro schema of each Connect schema it has seen (Debezium reuses them).
 */
public final class ConnectAvroSchemas {

    static final String CONNECT_NAME = "connect.name";
    static final String CONNECT_VERSION = "connect.version";
    static final String CONNECT_PARAMETERS = "connect.parameters";
    static final String CONNECT_TYPE = "connect.type";
    static final String DEFAULT_NAMESPACE = "io.confluent.connect.avro";
    static final String DEFAULT_NAME = "ConnectDefault";
    private static final String DECIMAL_PRECISION = "connect.decimal.precision";
    private static final int DEFAULT_DECIMAL_PRECISION = 64;
    /**
     * Schemas cached (top-level and nested, a few per captured table); beyond that the cache starts again. Kept small:
     * Debezium builds new schema objects whenever PostgreSQL sends a table's relation again (each VACUUM or ANALYZE
     * of it), and the dead ones stay here until the cache starts again.
     */
    private static final int MAX_CACHED = 256;

    private final Map<Schema, org.apache.avro.Schema> cache = new IdentityHashMap<>();

    /** The Avro schema of a Connect schema (cached by identity). */
    public org.apache.avro.Schema avroSchema(Schema schema) {
        org.apache.avro.Schema cached = cache.get(schema);
        if (cached != null) {
            return cached;
        }
        org.apache.avro.Schema converted = new Conversion().convert(schema, true);
        if (cache.size() >= MAX_CACHED) {
            cache.clear();
        }
        cache.put(schema, converted);
        return converted;
    }

    /** The Avro datum of a Connect value of {@code schema} (as {@link #avroSchema(Schema)} describes it). */
    public Object avroValue(Schema schema, Object value) {
        if (value == null) {
            if (!schema.isOptional() && schema.defaultValue() == null) {
                throw new DataException("null value for a required " + describe(schema));
            }
            return value == null && schema.defaultValue() != null ? avroValue(schema, schema.defaultValue()) : null;
        }
        Object logical = logical(schema, value);
        if (logical != null) {
            return logical instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : logical;
        }
        return switch (schema.type()) {
            case INT8 -> ((Byte) value).intValue();
            case INT16 -> ((Short) value).intValue();
            case INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> value;
            case BYTES -> value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : (ByteBuffer) value;
            case ARRAY -> {
                List<?> items = (List<?>) value;
                List<Object> converted = new ArrayList<>(items.size());
                for (Object item : items) {
                    converted.add(avroValue(schema.valueSchema(), item));
                }
                yield converted;
            }
            case MAP -> mapValue(schema, (Map<?, ?>) value);
            case STRUCT -> {
                Struct struct = (Struct) value;
                org.apache.avro.Schema recordSchema = unwrapOptional(avroSchema(schema));
                GenericData.Record record = new GenericData.Record(recordSchema);
                for (Field field : schema.fields()) {
                    record.put(field.index(), avroValue(field.schema(), struct.get(field)));
                }
                yield record;
            }
        };
    }

    /**
     * The Avro encoding of a value of one of Connect's logical types (Decimal → its unscaled bytes, refusing another
     * scale as Connect's converters do; Date → days; Time → milliseconds of the day; Timestamp → epoch
     * milliseconds), or null when {@code schema} is not one of them.
     */
    private static Object logical(Schema schema, Object value) {
        if (schema.name() == null) {
            return null;
        }
        return switch (schema.name()) {
            case Decimal.LOGICAL_NAME -> Decimal.fromLogical(schema, (BigDecimal) value);
            case Date.LOGICAL_NAME -> Date.fromLogical(schema, (java.util.Date) value);
            case Time.LOGICAL_NAME -> Time.fromLogical(schema, (java.util.Date) value);
            case Timestamp.LOGICAL_NAME -> Timestamp.fromLogical(schema, (java.util.Date) value);
            default -> null;
        };
    }

    private Object mapValue(Schema schema, Map<?, ?> map) {
        if (schema.keySchema().type() == Schema.Type.STRING
                && !schema.keySchema().isOptional()) {
            Map<String, Object> converted = new HashMap<>();
            map.forEach((k, v) -> converted.put((String) k, avroValue(schema.valueSchema(), v)));
            return converted;
        }
        org.apache.avro.Schema entrySchema = unwrapOptional(avroSchema(schema)).getElementType();
        List<Object> entries = new ArrayList<>(map.size());
        map.forEach((k, v) -> {
            GenericData.Record entry = new GenericData.Record(entrySchema);
            entry.put("key", avroValue(schema.keySchema(), k));
            entry.put("value", avroValue(schema.valueSchema(), v));
            entries.add(entry);
        });
        return entries;
    }

    private static org.apache.avro.Schema unwrapOptional(org.apache.avro.Schema schema) {
        if (schema.getType() == org.apache.avro.Schema.Type.UNION) {
            for (org.apache.avro.Schema branch : schema.getTypes()) {
                if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
                    return branch;
                }
            }
        }
        return schema;
    }

    private static String describe(Schema schema) {
        return (schema.name() == null ? "" : schema.name() + " ") + schema.type() + " field";
    }

    /** One schema's conversion: a record defined once, referred to by name after that. */
    private static final class Conversion {
        private final Map<String, org.apache.avro.Schema> records = new LinkedHashMap<>();

        org.apache.avro.Schema convert(Schema schema, boolean withOptional) {
            org.apache.avro.Schema base = base(schema);
            if (withOptional && schema.isOptional()) {
                return org.apache.avro.Schema.createUnion(
                        org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), base);
            }
            return base;
        }

        private org.apache.avro.Schema base(Schema schema) {
            String name = schema.name();
            if (name != null) {
                switch (name) {
                    case Decimal.LOGICAL_NAME -> {
                        return decimal(schema);
                    }
                    case Date.LOGICAL_NAME -> {
                        return connectProps(
                                LogicalTypes.date()
                                        .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT)),
                                schema);
                    }
                    case Time.LOGICAL_NAME -> {
                        return connectProps(
                                LogicalTypes.timeMillis()
                                        .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT)),
                                schema);
                    }
                    case Timestamp.LOGICAL_NAME -> {
                        return connectProps(
                                LogicalTypes.timestampMillis()
                                        .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG)),
                                schema);
                    }
                    default -> {
                        // named plain type or struct: below
                    }
                }
            }
            return switch (schema.type()) {
                case INT8, INT16 -> {
                    org.apache.avro.Schema avro = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                    avro.addProp(CONNECT_TYPE, schema.type() == Schema.Type.INT8 ? "int8" : "int16");
                    yield connectProps(avro, schema);
                }
                case INT32 -> primitive(org.apache.avro.Schema.Type.INT, schema);
                case INT64 -> primitive(org.apache.avro.Schema.Type.LONG, schema);
                case FLOAT32 -> primitive(org.apache.avro.Schema.Type.FLOAT, schema);
                case FLOAT64 -> primitive(org.apache.avro.Schema.Type.DOUBLE, schema);
                case BOOLEAN -> primitive(org.apache.avro.Schema.Type.BOOLEAN, schema);
                case STRING -> primitive(org.apache.avro.Schema.Type.STRING, schema);
                case BYTES -> primitive(org.apache.avro.Schema.Type.BYTES, schema);
                case ARRAY ->
                    connectProps(org.apache.avro.Schema.createArray(convert(schema.valueSchema(), true)), schema);
                case MAP -> map(schema);
                case STRUCT -> record(schema);
            };
        }

        private org.apache.avro.Schema primitive(org.apache.avro.Schema.Type type, Schema schema) {
            return connectProps(org.apache.avro.Schema.create(type), schema);
        }

        private org.apache.avro.Schema decimal(Schema schema) {
            Map<String, String> parameters = schema.parameters() == null ? Map.of() : schema.parameters();
            int scale = Integer.parseInt(parameters.getOrDefault(Decimal.SCALE_FIELD, "0"));
            int precision = Integer.parseInt(
                    parameters.getOrDefault(DECIMAL_PRECISION, Integer.toString(DEFAULT_DECIMAL_PRECISION)));
            org.apache.avro.Schema avro = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES);
            avro.addProp("scale", scale);
            avro.addProp("precision", precision);
            LogicalTypes.decimal(precision, scale).addToSchema(avro);
            return connectProps(avro, schema);
        }

        private org.apache.avro.Schema map(Schema schema) {
            if (schema.keySchema().type() == Schema.Type.STRING
                    && !schema.keySchema().isOptional()) {
                return connectProps(org.apache.avro.Schema.createMap(convert(schema.valueSchema(), true)), schema);
            }
            org.apache.avro.Schema entry = org.apache.avro.Schema.createRecord(
                    "MapEntry",
                    null,
                    DEFAULT_NAMESPACE,
                    false,
                    List.of(
                            new org.apache.avro.Schema.Field("key", convert(schema.keySchema(), true)),
                            new org.apache.avro.Schema.Field("value", convert(schema.valueSchema(), true))));
            return connectProps(org.apache.avro.Schema.createArray(entry), schema);
        }

        private org.apache.avro.Schema record(Schema schema) {
            String fullName = schema.name() == null ? DEFAULT_NAMESPACE + "." + DEFAULT_NAME : avroName(schema.name());
            org.apache.avro.Schema known = records.get(fullName);
            if (known != null) {
                return known;
            }
            int dot = fullName.lastIndexOf('.');
            org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(
                    dot < 0 ? fullName : fullName.substring(dot + 1),
                    schema.doc(),
                    dot < 0 ? null : fullName.substring(0, dot),
                    false);
            records.put(fullName, record);
            List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
            for (Field field : schema.fields()) {
                fields.add(field(field));
            }
            record.setFields(fields);
            return connectProps(record, schema);
        }

        /**
         * A record field. A column's default (Debezium gives it for a column with a DEFAULT) becomes the field's Avro
         * default, so adding a NOT NULL column with a default stays backward compatible; an optional field with a
         * non-null default is the union {@code [T, "null"]} (Avro wants the default's type first).
         */
        private org.apache.avro.Schema.Field field(Field field) {
            Schema schema = field.schema();
            Object connectDefault = schema.defaultValue();
            Object avroDefault = connectDefault == null ? null : simpleDefault(schema, connectDefault);
            if (avroDefault == null) {
                return new org.apache.avro.Schema.Field(
                        fieldName(field.name()),
                        convert(schema, true),
                        null,
                        schema.isOptional() ? JsonProperties.NULL_VALUE : null);
            }
            org.apache.avro.Schema base = base(schema);
            org.apache.avro.Schema fieldSchema = schema.isOptional()
                    ? org.apache.avro.Schema.createUnion(
                            base, org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL))
                    : base;
            return new org.apache.avro.Schema.Field(fieldName(field.name()), fieldSchema, null, avroDefault);
        }

        /**
         * A default as Avro states it in JSON (numbers, booleans, strings; bytes as ISO-8859-1 text; Connect's logical
         * types as their Avro encoding), or null for a default Avro cannot state (arrays, maps, structs).
         */
        private static Object simpleDefault(Schema schema, Object value) {
            Object logical = logical(schema, value);
            if (logical != null) {
                return logical instanceof byte[] bytes ? latin1(bytes) : logical;
            }
            return switch (schema.type()) {
                case INT8 -> ((Byte) value).intValue();
                case INT16 -> ((Short) value).intValue();
                case INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> value;
                case BYTES -> latin1(value instanceof ByteBuffer buffer ? bytes(buffer) : (byte[]) value);
                default -> null;
            };
        }

        /** Avro states a bytes default as the string of the bytes' ISO-8859-1 characters. */
        private static String latin1(byte[] bytes) {
            return new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
        }

        private static byte[] bytes(ByteBuffer buffer) {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }

        private static org.apache.avro.Schema connectProps(org.apache.avro.Schema avro, Schema schema) {
            if (schema.name() != null) {
                avro.addProp(CONNECT_NAME, schema.name());
            }
            if (schema.version() != null) {
                avro.addProp(CONNECT_VERSION, schema.version());
            }
            if (schema.parameters() != null && !schema.parameters().isEmpty()) {
                avro.addProp(CONNECT_PARAMETERS, new LinkedHashMap<>(schema.parameters()));
            }
            return avro;
        }
    }

    /** A field name Avro accepts: {@link #avroName} without dots (a field name has no namespace). */
    static String fieldName(String name) {
        return avroName(name.replace('.', '_'));
    }

    /** {@code name} with every character Avro does not allow in a name replaced by {@code _}. */
    static String avroName(String name) {
        StringBuilder out = new StringBuilder(name.length());
        boolean segmentStart = true;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '.') {
                out.append(c);
                segmentStart = true;
                continue;
            }
            boolean valid = c == '_'
                    || (c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (!segmentStart && c >= '0' && c <= '9');
            out.append(valid ? c : '_');
            segmentStart = false;
        }
        return out.toString();
    }
}
