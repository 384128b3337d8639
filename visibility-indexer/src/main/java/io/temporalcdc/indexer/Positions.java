package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.temporalcdc.indexer.version.ChangePosition;

/** {@link ChangePosition} as a compact JSON array {@code [epoch, commit, lsn, snapshot]}. */
final class Positions {
    private Positions() {}

    static ArrayNode encode(ChangePosition p) {
        return JsonNodeFactory.instance
                .arrayNode()
                .add(p.epoch())
                .add(p.commit())
                .add(p.lsn())
                .add(p.snapshot());
    }

    static ChangePosition decode(JsonNode array) {
        if (array == null || !array.isArray() || array.size() != 4) {
            return null;
        }
        return new ChangePosition(
                array.get(0).asInt(),
                array.get(1).asLong(),
                array.get(2).asLong(),
                array.get(3).asBoolean());
    }
}
