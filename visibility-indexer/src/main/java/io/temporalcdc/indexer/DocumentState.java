package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.version.ChangePosition;
import io.temporalcdc.schemas.ConflictVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What the document joiner keeps per visibility row (namespace_id, run_id) and region: the latest change of each
 * table and, when several regions are read, the run's conflict versions from {@code temporal.executions} ({@link
 * RowState} keeps one per region with the version of the document's last write).
 */
final class DocumentState {
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
    /** Where the last execution version applied stands; null before any (then the versions are unknown). */
    ChangePosition versionPosition;
    /** The last snapshot read of the execution's versions (see {@link ChangePosition#follows}). */
    ChangePosition versionLastSnapshot;

    long lastWriteVersion;
    long dbRecordVersion;
    /** Whether the {@code temporal.executions} row exists (its last version change was not a delete). */
    boolean versionLive;

    Side side(RowChange.Side which) {
        return switch (which) {
            case EXECUTIONS -> executions;
            case CUSTOM_ATTRIBUTES -> attributes;
            case EXECUTION_VERSION -> throw new IllegalArgumentException("execution versions have no side");
        };
    }

    /**
     * Applies an execution version change: the run's versions as of {@code change}; a delete keeps the versions the
     * run had (its state ends at them).
     */
    void applyVersions(RowChange change) {
        if (!change.delete()) {
            lastWriteVersion = change.lastWriteVersion();
            dbRecordVersion = change.dbRecordVersion();
        } else if (versionPosition == null) {
            lastWriteVersion = Long.MIN_VALUE; // deleted before any version arrived: below every real one
            dbRecordVersion = Long.MIN_VALUE;
        }
        versionPosition = change.position();
        if (change.position().snapshot()) {
            versionLastSnapshot = change.position();
        }
        versionLive = !change.delete();
    }

    /** @return the region's conflict version, null while no execution version arrived */
    ConflictVersion conflictVersion(String regionName) {
        return versionPosition == null ? null : new ConflictVersion(lastWriteVersion, dbRecordVersion, regionName);
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

    /** Whether nothing is left worth keeping: no executions row, no custom attributes row, no execution row. */
    boolean empty() {
        return !executions.exists && !attributes.exists && !versionLive;
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

    /** Writes the region's state (inside {@link RowState}'s layout). */
    void encode(Codec.Writer out) {
        encode(out, executions);
        encode(out, attributes);
        out.position(versionPosition)
                .position(versionLastSnapshot)
                .number(lastWriteVersion)
                .number(dbRecordVersion)
                .bool(versionLive);
    }

    /** Reads what {@link #encode(Codec.Writer)} wrote. */
    static DocumentState decode(Codec.Reader in) {
        DocumentState state = new DocumentState();
        decode(in, state.executions);
        decode(in, state.attributes);
        state.versionPosition = in.position();
        state.versionLastSnapshot = in.position();
        state.lastWriteVersion = in.number();
        state.dbRecordVersion = in.number();
        state.versionLive = in.bool();
        return state;
    }

    /** Reads the two sides of {@link RowState}'s layout 2 (one region, before regions existed). */
    static DocumentState decodeSides(Codec.Reader in) {
        DocumentState state = new DocumentState();
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
