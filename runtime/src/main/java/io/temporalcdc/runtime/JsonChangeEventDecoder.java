package io.temporalcdc.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads the Debezium envelope as Kafka Connect's {@code JsonConverter} writes it, with the embedded
 * schema ({@code {"schema":…,"payload":…}}, {@code schemas.enable=true}) or without it.
 *
 * <p>A decoder made {@link #JsonChangeEventDecoder(Set) for some columns} builds only those columns of {@code before}
 * and {@code after} and skips the others unbuilt: a reader that needs two columns of a wide row (the cache
 * invalidator) does not pay for the memo and the search attributes.
 */
public final class JsonChangeEventDecoder implements ChangeEventDecoder {
    private final ObjectMapper mapper = new ObjectMapper();
    /** The row columns to build; null for all. */
    private final Set<String> columns;

    /** A decoder of whole rows. */
    public JsonChangeEventDecoder() {
        this.columns = null;
    }

    /** A decoder that builds only {@code columns} of each row image (the key, {@code source} and {@code op} whole). */
    public JsonChangeEventDecoder(Set<String> columns) {
        this.columns = Set.copyOf(columns);
    }

    private static final int MAX_CACHED_SCHEMAS = 256;
    /** A key and a value schema for each of a dozen topics (the cache invalidator reads six). */
    private static final int RECENT_SCHEMAS = 24;

    private static final byte[] SCHEMA_PREFIX = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_INFIX = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

    /** The schemas of the last records, compared byte for byte before anything is parsed. */
    private volatile List<CachedSchema> recent = List.of();

    private final ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** Column types by the bytes of the embedded schema they were read from: a topic's schema rarely changes. */
    private final Map<Integer, List<CachedSchema>> schemas = new ConcurrentHashMap<>();

    private record CachedSchema(byte[] bytes, Map<String, String> columnTypes) {}

    @Override
    public ChangeEvent decode(String topic, byte[] key, byte[] value) {
        return DebeziumEnvelope.decode(topic, key, value, this::part);
    }

    /**
     * Reads the payload; an embedded schema is skipped over rather than built as a tree (it is most of the bytes and
     * the same in every record of a topic), and its column types are taken from a cache of the schemas seen.
     */
    DecodedPart part(String topic, String part, byte[] bytes) {
        // the key is never cut down: only the value's row images are
        boolean project = columns != null && part.equals("value");
        DecodedPart known = withKnownSchema(bytes, project);
        if (known != null) {
            return known;
        }
        try (JsonParser parser = mapper.getFactory().createParser(bytes)) {
            if (parser.nextToken() == JsonToken.START_OBJECT && "schema".equals(parser.nextFieldName())) {
                parser.nextToken();
                int start = (int) parser.currentTokenLocation().getByteOffset();
                parser.skipChildren();
                int end = (int) parser.currentLocation().getByteOffset();
                if ("payload".equals(parser.nextFieldName())) {
                    parser.nextToken();
                    JsonNode payload = project ? readEnvelope(parser) : mapper.readTree(parser);
                    if (parser.nextToken() == JsonToken.END_OBJECT && parser.nextToken() == null) {
                        return new DecodedPart(
                                payload == null ? NullNode.getInstance() : payload, columnTypes(bytes, start, end));
                    }
                }
            }
        } catch (IOException e) {
            // not the usual shape: the whole-tree parse below reports what is wrong
        }
        JsonNode whole = parse(topic, part, bytes);
        JsonNode payload = payload(whole);
        return new DecodedPart(project ? project(payload) : payload, whole == payload ? Map.of() : columnTypes(whole));
    }

    /**
     * The fast path for a record whose embedded schema is byte for byte one seen before, as JsonConverter writes it
     * ({@code {"schema":<S>,"payload":<P>}}, no blanks): only the payload is parsed; null for any other record.
     */
    private DecodedPart withKnownSchema(byte[] bytes, boolean project) {
        int start = SCHEMA_PREFIX.length;
        if (bytes.length < start + PAYLOAD_INFIX.length + 2
                || !Arrays.equals(bytes, 0, start, SCHEMA_PREFIX, 0, start)
                || bytes[bytes.length - 1] != '}') {
            return null;
        }
        for (CachedSchema cached : recent) {
            int end = start + cached.bytes().length;
            int payload = end + PAYLOAD_INFIX.length;
            if (payload < bytes.length - 1
                    && Arrays.equals(bytes, start, end, cached.bytes(), 0, cached.bytes().length)
                    && Arrays.equals(bytes, end, payload, PAYLOAD_INFIX, 0, PAYLOAD_INFIX.length)) {
                try {
                    JsonNode node = !project
                            ? strict.readTree(bytes, payload, bytes.length - 1 - payload)
                            : readProjected(bytes, payload, bytes.length - 1 - payload);
                    return new DecodedPart(node == null ? NullNode.getInstance() : node, cached.columnTypes());
                } catch (IOException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private Map<String, String> columnTypes(byte[] bytes, int start, int end) throws IOException {
        int hash = 1;
        for (int i = start; i < end; i++) {
            hash = 31 * hash + bytes[i];
        }
        List<CachedSchema> candidates = schemas.getOrDefault(hash, List.of());
        for (CachedSchema cached : candidates) {
            if (Arrays.equals(cached.bytes(), 0, cached.bytes().length, bytes, start, end)) {
                if (SCHEMA_PREFIX.length == start) {
                    remember(cached); // pushed out of the recent ones by others: back to the fast path
                }
                return cached.columnTypes();
            }
        }
        JsonNode schema = mapper.readTree(bytes, start, end - start);
        ObjectNode whole = mapper.createObjectNode();
        whole.set("schema", schema);
        Map<String, String> types = Map.copyOf(columnTypes(whole));
        if (schemas.size() >= MAX_CACHED_SCHEMAS) {
            schemas.clear();
        }
        List<CachedSchema> updated = new ArrayList<>(candidates);
        CachedSchema added = new CachedSchema(Arrays.copyOfRange(bytes, start, end), types);
        updated.add(added);
        schemas.put(hash, updated);
        if (SCHEMA_PREFIX.length == start) {
            remember(added);
        }
        return types;
    }

    /** Puts a schema first among the recent ones, which the fast path compares. */
    private synchronized void remember(CachedSchema schema) {
        List<CachedSchema> latest = new ArrayList<>(recent);
        latest.remove(schema);
        latest.add(0, schema);
        recent = List.copyOf(latest.subList(0, Math.min(latest.size(), RECENT_SCHEMAS)));
    }

    /** The payload in {@code bytes[offset, offset + length)}, which must hold one JSON value and nothing else. */
    private JsonNode readProjected(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser parser = mapper.getFactory().createParser(bytes, offset, length)) {
            if (parser.nextToken() == null) {
                // nothing where the payload should be: the whole-row path reports it
                throw new IOException("no payload");
            }
            JsonNode node = readEnvelope(parser);
            if (parser.nextToken() != null) {
                throw new IOException("trailing content after the payload");
            }
            return node;
        }
    }

    /** Reads the envelope at the parser's current token, {@code before}/{@code after} cut down to the columns. */
    private JsonNode readEnvelope(JsonParser parser) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            return mapper.readTree(parser);
        }
        ObjectNode envelope = mapper.createObjectNode();
        String field;
        while ((field = parser.nextFieldName()) != null) {
            JsonToken token = parser.nextToken();
            if (token == JsonToken.START_OBJECT && isRowImage(field)) {
                envelope.set(field, readColumns(parser));
            } else {
                envelope.set(field, mapper.readTree(parser));
            }
        }
        return envelope;
    }

    private ObjectNode readColumns(JsonParser parser) throws IOException {
        ObjectNode row = mapper.createObjectNode();
        String column;
        while ((column = parser.nextFieldName()) != null) {
            parser.nextToken();
            if (columns.contains(column)) {
                row.set(column, mapper.readTree(parser));
            } else {
                parser.skipChildren();
            }
        }
        return row;
    }

    /** The projection applied to an envelope parsed whole (the slow path). */
    private JsonNode project(JsonNode envelope) {
        if (columns == null || envelope == null || !envelope.isObject()) {
            return envelope;
        }
        for (String image : List.of("before", "after")) {
            if (envelope.get(image) instanceof ObjectNode row) {
                row.retain(columns);
            }
        }
        return envelope;
    }

    private static boolean isRowImage(String field) {
        return field.equals("before") || field.equals("after");
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
    private static Map<String, String> columnTypes(JsonNode whole) {
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
}
