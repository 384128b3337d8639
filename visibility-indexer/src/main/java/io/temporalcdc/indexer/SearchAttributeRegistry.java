package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The search attributes the index knows, name → Temporal type: the seed's six always (its strict mapping has
 * them), plus what {@code search.attributes} registers. Values are coerced to their type; an attribute the
 * registry does not know is refused (its record is dead-lettered) or, when configured, left out of the document
 * with a count and a log line.
 */
public final class SearchAttributeRegistry {
    /** The seed's six attributes and their types. */
    public static final Map<String, SearchAttributeType> SEED = seed();

    private final Map<String, SearchAttributeType> types;
    private final boolean dropUnknown;
    /** Row column → the registered attribute it is indexed as. */
    private final Map<String, String> columns;

    /**
     * @param registered name → type, the seed's six included or not (they are always known, with their seed type)
     * @param dropUnknown leave unknown attributes out of the document instead of refusing the record
     */
    public SearchAttributeRegistry(Map<String, SearchAttributeType> registered, boolean dropUnknown) {
        this(registered, dropUnknown, Map.of());
    }

    /**
     * @param registered name → type, the seed's six included or not
     * @param dropUnknown leave unknown attributes out of the document instead of refusing the record
     * @param columnAttributes row column → the attribute it is indexed as (e.g. the seed migration's {@code
     *     customer_id} → {@code CustomerId}); a column whose attribute is not registered is not indexed (see {@link
     *     #unregisteredColumns()})
     */
    public SearchAttributeRegistry(
            Map<String, SearchAttributeType> registered, boolean dropUnknown, Map<String, String> columnAttributes) {
        Map<String, SearchAttributeType> all = new LinkedHashMap<>(SEED);
        registered.forEach((name, type) -> {
            SearchAttributeType seedType = SEED.get(name);
            if (seedType != null && seedType != type) {
                throw new IllegalArgumentException("search attribute " + name + " is a " + seedType.temporalName()
                        + " in the seed's mapping, not a " + type.temporalName());
            }
            all.put(name, type);
        });
        this.types = Collections.unmodifiableMap(all);
        this.dropUnknown = dropUnknown;
        this.columns = Collections.unmodifiableMap(new LinkedHashMap<>(columnAttributes));
    }

    /** @return {@code column:Attribute} entries read as a map (order kept) */
    public static Map<String, String> parseColumns(List<String> entries) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            String[] parts = trimmed.split(":", -1);
            if (parts.length != 2 || !parts[0].trim().matches("[a-z_][a-z0-9_]{0,62}")) {
                throw new IllegalArgumentException("\"" + trimmed + "\" is not column:Attribute (a lowercase column)");
            }
            String attribute = parts[1].trim();
            if (!attribute.matches("[A-Za-z][A-Za-z0-9_]{0,254}")) {
                throw new IllegalArgumentException(
                        "\"" + attribute + "\" is not a search attribute name (letters, digits, _)");
            }
            parsed.put(parts[0].trim(), attribute);
        }
        return parsed;
    }

    /** @return the row columns indexed as search attributes: column → attribute, registered ones only */
    public Map<String, String> indexedColumns() {
        Map<String, String> indexed = new LinkedHashMap<>();
        columns.forEach((column, attribute) -> {
            if (types.containsKey(attribute)) {
                indexed.put(column, attribute);
            }
        });
        return indexed;
    }

    /** @return the column mappings whose attribute the registry lacks (their columns are not indexed) */
    public Map<String, String> unregisteredColumns() {
        Map<String, String> unregistered = new LinkedHashMap<>(columns);
        unregistered.keySet().removeAll(indexedColumns().keySet());
        return unregistered;
    }

    /**
     * @param row a row image
     * @return the row's columns indexed as attributes (registered ones, non-null values), typed; empty when none
     */
    public ObjectNode columnAttributes(JsonNode row) {
        ObjectNode typed = JsonNodeFactory.instance.objectNode();
        indexedColumns().forEach((column, attribute) -> {
            JsonNode value = row.get(column);
            if (value != null && !value.isNull()) {
                typed.set(attribute, types.get(attribute).coerce(attribute, value));
            }
        });
        return typed;
    }

    /** The seed's six, unknown attributes refused. */
    public static SearchAttributeRegistry seedOnly() {
        return new SearchAttributeRegistry(Map.of(), false);
    }

    /** @return {@code Name:Type} entries read as a registry map (order kept) */
    public static Map<String, SearchAttributeType> parse(List<String> entries) {
        Map<String, SearchAttributeType> parsed = new LinkedHashMap<>();
        for (String entry : entries) {
            String trimmed = entry.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            if (colon <= 0 || colon == trimmed.length() - 1) {
                throw new IllegalArgumentException("\"" + trimmed + "\" is not Name:Type");
            }
            String name = trimmed.substring(0, colon).trim();
            if (!name.matches("[A-Za-z][A-Za-z0-9_]{0,254}")) {
                throw new IllegalArgumentException(
                        "\"" + name + "\" is not a search attribute name (letters, digits, _)");
            }
            parsed.put(name, SearchAttributeType.ofTemporalName(trimmed.substring(colon + 1)));
        }
        return parsed;
    }

    /** @return every known attribute, name → type */
    public Map<String, SearchAttributeType> types() {
        return types;
    }

    /**
     * @param attributes a JSON object of attribute → value
     * @param column the column it came from, named in errors
     * @param dropped told the name of each unknown attribute left out
     * @return the attributes with every value coerced to its type
     */
    public ObjectNode typed(JsonNode attributes, String column, Consumer<String> dropped) {
        if (!attributes.isObject()) {
            throw new DocumentMappingException(column + " must be a JSON object but is "
                    + attributes.getNodeType().name().toLowerCase());
        }
        ObjectNode typed = JsonNodeFactory.instance.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            SearchAttributeType type = types.get(attribute.getKey());
            if (type != null) {
                typed.set(attribute.getKey(), type.coerce(attribute.getKey(), attribute.getValue()));
            } else if (dropUnknown) {
                dropped.accept(attribute.getKey());
            } else {
                throw new DocumentMappingException("search attribute " + attribute.getKey() + " (in " + column
                        + ") is not registered: add it to search.attributes as " + attribute.getKey()
                        + ":<Type> to index it, or set search.attributes.unknown=drop to index the rest without it");
            }
        }
        return typed;
    }

    private static Map<String, SearchAttributeType> seed() {
        Map<String, SearchAttributeType> seed = new LinkedHashMap<>();
        seed.put("CustomKeywordField", SearchAttributeType.KEYWORD);
        seed.put("CustomIntField", SearchAttributeType.INT);
        seed.put("CustomDoubleField", SearchAttributeType.DOUBLE);
        seed.put("CustomBoolField", SearchAttributeType.BOOL);
        seed.put("CustomDatetimeField", SearchAttributeType.DATETIME);
        seed.put("CustomStringField", SearchAttributeType.TEXT);
        return Collections.unmodifiableMap(seed);
    }
}
