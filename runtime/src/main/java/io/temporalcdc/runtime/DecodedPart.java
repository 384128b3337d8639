package io.temporalcdc.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A record's key or value as a tree, in the form Kafka Connect's {@code JsonConverter} gives the payload, whatever
 * the wire format, and the Connect schema name of each row column (empty when the record carries no schema).
 */
record DecodedPart(JsonNode node, Map<String, String> columnTypes) {
    /** A null value. */
    static final DecodedPart NONE = new DecodedPart(null, Map.of());
}
