package io.temporalcdc.indexer;

import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.schemas.ConflictVersion;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the document joiner keeps per visibility row ({@link Codec} layout 3; layout 2, one region without versions,
 * is still read): a {@link DocumentState} per region ("" is the local region), the version of the document's last
 * write and the region whose state it wrote.
 *
 * <p>The document is the state of the <em>winning</em> region: among the regions whose executions visibility row is
 * known, the one with the highest {@link ConflictVersion} (its {@code temporal.executions} row's {@code
 * last_write_version}, then {@code db_record_version}, then its name). With one region, that region.
 */
final class RowState {
    private static final int FORMAT = 3;
    private static final int FORMAT_2 = 2;

    final Map<String, DocumentState> regions = new TreeMap<>();
    DocumentVersion version;
    /** The region whose state was written last (null before any write). */
    String written;

    /** @return the region's state, created empty when it has none */
    DocumentState region(String region) {
        return regions.computeIfAbsent(region, r -> new DocumentState());
    }

    /**
     * @param localName the local region's name (stands for "" in the tie-break)
     * @return the winning region ("" for the local one), or null when no region has its executions row yet
     */
    String winner(String localName) {
        String winner = null;
        ConflictVersion best = null;
        for (Map.Entry<String, DocumentState> entry : regions.entrySet()) {
            DocumentState state = entry.getValue();
            if (!state.executions.known()) {
                continue;
            }
            String name = entry.getKey().isEmpty() ? localName : entry.getKey();
            ConflictVersion version = state.conflictVersion(name);
            ConflictVersion candidate = version != null
                    ? version
                    // no execution version yet: below any that arrived, ordered by name among its kind
                    : new ConflictVersion(Long.MIN_VALUE, Long.MIN_VALUE, name);
            if (winner == null || candidate.winsOver(best)) {
                winner = entry.getKey();
                best = candidate;
            }
        }
        return winner;
    }

    /** Whether nothing is left worth keeping in any region. */
    boolean empty() {
        return regions.values().stream().allMatch(DocumentState::empty);
    }

    byte[] encode() {
        Codec.Writer out = new Codec.Writer(FORMAT)
                .number(version == null ? -1 : version.asLong())
                .text(written)
                .varint(regions.size());
        regions.forEach((region, state) -> {
            out.text(region);
            state.encode(out);
        });
        return out.bytes();
    }

    static RowState decode(byte[] bytes) {
        RowState row = new RowState();
        if (bytes == null) {
            return row;
        }
        String what = "the joiner's state";
        if (Codec.Reader.formatOf(bytes) == FORMAT_2) {
            Codec.Reader in = new Codec.Reader(bytes, FORMAT_2, what);
            row.version = version(in.number());
            row.regions.put("", DocumentState.decodeSides(in));
            row.written = "";
            return row;
        }
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, what);
        row.version = version(in.number());
        row.written = in.text();
        long count = in.varint();
        for (long i = 0; i < count; i++) {
            row.regions.put(in.text(), DocumentState.decode(in));
        }
        return row;
    }

    private static DocumentVersion version(long value) {
        return value < 0 ? null : DocumentVersion.of(value);
    }
}
