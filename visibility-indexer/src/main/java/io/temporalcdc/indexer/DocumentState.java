package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.version.ChangePosition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What the document joiner keeps per visibility row (namespace_id, run_id): the latest change of each table and
 * the version of the document's last write ({@link Codec} layout 2).
 */
final class DocumentState {
    private static final int FORMAT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The latest change of one table: whether the row exists, its data (JSON), where the change stands. */
    static final class Side {
        boolean exists;
        ChangePosition position;
        ChangePosition lastSnapshot;
        String documentId;
        byte[] data;

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
        seen(change);
        if (change.documentId() != null) {
            side.documentId = change.documentId();
        }
        side.data = change.delete() ? null : change.data();
    }

    /** Notes a snapshot read of {@code change}'s side, whether it is applied or refused. */
    void seen(RowChange change) {
        if (change.position().snapshot()) {
            side(change.side()).lastSnapshot = change.position();
        }
    }

    /** Whether nothing is left worth keeping: no executions row and no custom attributes row. */
    boolean empty() {
        return !executions.exists && !attributes.exists;
    }

    /**
     * The document: the executions row's, its {@code SearchAttributes} overlaid with the custom table's attributes
     * (the custom table wins for an attribute both carry); null when the executions row does not exist.
     */
    byte[] document() {
        if (!executions.exists || executions.data == null) {
            return null;
        }
        if (!attributes.exists || attributes.data == null) {
            return executions.data;
        }
        try {
            JsonNode custom = JSON.readTree(attributes.data);
            if (custom.isEmpty()) {
                return executions.data;
            }
            ObjectNode document = (ObjectNode) JSON.readTree(executions.data);
            JsonNode own = document.get("SearchAttributes");
            ObjectNode merged = own instanceof ObjectNode o ? o : document.putObject("SearchAttributes");
            for (Iterator<Map.Entry<String, JsonNode>> it = custom.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> attribute = it.next();
                merged.set(attribute.getKey(), attribute.getValue());
            }
            return JSON.writeValueAsBytes(document);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable document in the joiner's state", e);
        }
    }

    byte[] encode() {
        Codec.Writer out = new Codec.Writer(FORMAT).number(version == null ? -1 : version.asLong());
        encode(out, executions);
        encode(out, attributes);
        return out.bytes();
    }

    static DocumentState decode(byte[] bytes) {
        DocumentState state = new DocumentState();
        if (bytes == null) {
            return state;
        }
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, "the joiner's state");
        long version = in.number();
        state.version = version < 0 ? null : DocumentVersion.of(version);
        decode(in, state.executions);
        decode(in, state.attributes);
        return state;
    }

    private static void encode(Codec.Writer out, Side side) {
        out.bool(side.exists)
                .position(side.position)
                .position(side.lastSnapshot)
                .text(side.documentId)
                .blob(side.data);
    }

    private static void decode(Codec.Reader in, Side side) {
        side.exists = in.bool();
        side.position = in.position();
        side.lastSnapshot = in.position();
        side.documentId = in.text();
        side.data = in.blob();
    }
}
