package io.temporalcdc.indexer;

import io.temporalcdc.indexer.version.DocumentVersion;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.schemas.ConflictVersion;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the document joiner keeps per visibility row ({@link Codec} layout 3; layout 2, one region without versions,
 * is still read): a {@link DocumentState} per region ("" is the local region), the version of the document's last
 * write, and the <em>winning</em> state: the document (or its absence) written last, with its {@link
 * ConflictVersion}.
 *
 * <p>A region's state replaces the winner when its conflict version (its {@code temporal.executions} row's {@code
 * last_write_version}, then {@code db_record_version}, then the region's name) is higher ({@link #offer}): the highest
 * state seen in any region wins, whatever order the regions' changes arrived in, as Temporal resolves competing
 * histories. A region whose execution version has not arrived yet ranks below any that has. With one region, every
 * change of its row replaces the winner.
 */
final class RowState {
    private static final int FORMAT = 3;
    private static final int FORMAT_2 = 2;

    final Map<String, DocumentState> regions = new TreeMap<>();
    DocumentVersion version;
    /** The winning state's conflict version (null before any document was written). */
    ConflictVersion winnerVersion;
    /** The winning document's id. */
    String winnerId;
    /** The winning document, null when the winning state is a deleted row. */
    byte[] winnerDocument;

    /** @return the region's state, created empty when it has none */
    DocumentState region(String region) {
        return regions.computeIfAbsent(region, r -> new DocumentState());
    }

    /**
     * @param region the region ("" for the local one)
     * @param localName the local region's name (stands for "" in the tie-break)
     * @return the region's conflict version now; below any real one while its execution version is unknown
     */
    ConflictVersion versionOf(String region, String localName) {
        String name = region.isEmpty() ? localName : region;
        ConflictVersion version = region(region).conflictVersion(name);
        return version != null ? version : new ConflictVersion(Long.MIN_VALUE, Long.MIN_VALUE, name);
    }

    /** What {@link #offer} did. */
    enum Offer {
        /** The region's state is the winner now: write the document. */
        WRITTEN,
        /** Nothing to write: the winner's document did not change. */
        UNCHANGED,
        /** Another region's state wins: kept, not written. */
        SUPERSEDED
    }

    /**
     * Offers {@code region}'s state after a change of it. The state replaces the winner when its numbers ({@code
     * last_write_version}, {@code db_record_version}) are higher; at equal numbers, when it is the winner's own region
     * (its later change), or, when its document differs from the winner's, when its region's name is greater (the
     * tie-break: deterministic, and a copy of the winner's state never takes over). A change of the run's versions
     * alone ({@code versionChange}) updates the winner's version without a write when its region wins already.
     */
    Offer offer(String region, String localName, boolean versionChange) {
        DocumentState state = region(region);
        ConflictVersion candidate = versionOf(region, localName);
        boolean sameRegion = winnerVersion != null && candidate.region().equals(winnerVersion.region());
        if (versionChange && sameRegion) {
            if (numbers(candidate, winnerVersion) >= 0) {
                winnerVersion = candidate;
            }
            return Offer.UNCHANGED;
        }
        if (state.executions.documentId == null) {
            return Offer.UNCHANGED; // custom attributes without their executions row yet: nothing to index
        }
        byte[] document = state.document();
        if (winnerVersion != null) {
            int numbers = numbers(candidate, winnerVersion);
            if (numbers < 0) {
                return Offer.SUPERSEDED;
            }
            if (numbers == 0 && !sameRegion) {
                if (java.util.Arrays.equals(document, winnerDocument)) {
                    return Offer.UNCHANGED; // the same state, another region's copy
                }
                if (candidate.region().compareTo(winnerVersion.region()) < 0) {
                    return Offer.SUPERSEDED;
                }
            }
        }
        winnerVersion = candidate;
        winnerId = state.executions.documentId;
        winnerDocument = document;
        return Offer.WRITTEN;
    }

    /** Compares the numbers of two versions, not their regions. */
    private static int numbers(ConflictVersion a, ConflictVersion b) {
        int byLastWrite = Long.compare(a.lastWriteVersion(), b.lastWriteVersion());
        return byLastWrite != 0 ? byLastWrite : Long.compare(a.dbRecordVersion(), b.dbRecordVersion());
    }

    /** Whether nothing is left worth keeping in any region. */
    boolean empty() {
        return regions.values().stream().allMatch(DocumentState::empty);
    }

    byte[] encode() {
        Codec.Writer out = new Codec.Writer(FORMAT)
                .number(version == null ? -1 : version.asLong())
                .text(winnerVersion == null ? null : winnerVersion.text())
                .text(winnerId)
                .blob(winnerDocument)
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
            DocumentState state = DocumentState.decodeSides(in);
            row.regions.put("", state);
            if (row.version != null && state.executions.documentId != null) {
                // the document layout 2 last wrote: this region's (a tie with any later change of it)
                row.winnerVersion = new ConflictVersion(Long.MIN_VALUE, Long.MIN_VALUE, "");
                row.winnerId = state.executions.documentId;
                row.winnerDocument = state.document();
            }
            return row;
        }
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, what);
        row.version = version(in.number());
        String winner = in.text();
        row.winnerVersion = winner == null ? null : ConflictVersion.parse(winner);
        row.winnerId = in.text();
        row.winnerDocument = in.blob();
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
