package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.version.ChangePosition;
import io.temporalcdc.indexer.version.DocumentVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What the document joiner keeps per visibility row (namespace_id, run_id): the latest change of each table and
 * the version of the document's last write. Stored as compact JSON in the joiner's state store.
 */
final class DocumentState {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The latest change of one table: whether the row exists, its data, where the change stands. */
    static final class Side {
        boolean exists;
        ChangePosition position;
        String documentId;
        ObjectNode data;

        boolean known() {
            return position != null;
        }
    }

    final Side executions = new Side();
    final Side attributes = new Side();
    DocumentVersion version;

    Side side(RowChange.Side which) {
        return which == RowChange.Side.EXECUTIONS ? executions : attributes;
    }

    /** Applies {@code change} to its side. */
    void apply(RowChange change) {
        Side side = side(change.side());
        side.exists = !change.delete();
        side.position = change.position();
        if (change.documentId() != null) {
            side.documentId = change.documentId();
        }
        side.data = change.delete()
                ? null
                : change.side() == RowChange.Side.EXECUTIONS ? change.document() : change.attributes();
    }

    /** Whether nothing is left worth keeping: no executions row and no custom attributes row. */
    boolean empty() {
        return !executions.exists && !attributes.exists;
    }

    /**
     * The document: the executions row's, its {@code SearchAttributes} overlaid with the custom table's attributes
     * (the custom table wins for an attribute both carry); null when the executions row does not exist.
     */
    ObjectNode document() {
        if (!executions.exists || executions.data == null) {
            return null;
        }
        if (!attributes.exists || attributes.data == null || attributes.data.isEmpty()) {
            return executions.data;
        }
        ObjectNode document = executions.data.deepCopy();
        JsonNode own = document.get("SearchAttributes");
        ObjectNode merged = own instanceof ObjectNode o ? o : document.putObject("SearchAttributes");
        for (Iterator<Map.Entry<String, JsonNode>> it = attributes.data.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> attribute = it.next();
            merged.set(attribute.getKey(), attribute.getValue());
        }
        return document;
    }

    byte[] encode() {
        ObjectNode node = JSON.createObjectNode();
        if (version != null) {
            node.put("v", version.asLong());
        }
        node.set("e", encode(executions));
        node.set("c", encode(attributes));
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DocumentState decode(byte[] bytes) {
        DocumentState state = new DocumentState();
        if (bytes == null) {
            return state;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            state.version =
                    node.hasNonNull("v") ? DocumentVersion.of(node.get("v").asLong()) : null;
            decode(node.get("e"), state.executions);
            decode(node.get("c"), state.attributes);
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable document state", e);
        }
    }

    private static ObjectNode encode(Side side) {
        ObjectNode node = JSON.createObjectNode();
        node.put("x", side.exists);
        if (side.position != null) {
            node.set("p", Positions.encode(side.position));
        }
        if (side.documentId != null) {
            node.put("id", side.documentId);
        }
        if (side.data != null) {
            node.set("data", side.data);
        }
        return node;
    }

    private static void decode(JsonNode node, Side side) {
        if (node == null) {
            return;
        }
        side.exists = node.path("x").asBoolean();
        side.position = Positions.decode(node.get("p"));
        side.documentId = node.hasNonNull("id") ? node.get("id").asText() : null;
        side.data = node.get("data") instanceof ObjectNode data ? data : null;
    }
}
