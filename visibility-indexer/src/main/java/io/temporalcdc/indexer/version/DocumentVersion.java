package io.temporalcdc.indexer.version;

import io.temporalcdc.runtime.version.ChangePosition;
import io.temporalcdc.runtime.version.VersionEpochs;

/**
 * The external version of a document write, one positive {@code long} as Elasticsearch wants it, ordered as the
 * source committed the changes:
 *
 * <pre>
 *   bit 63      62 … 58     57 … 7                                6 … 0
 *   0 (sign)    epoch       commit position (LSN, < 2^51)         sequence within that position
 * </pre>
 *
 * <p>The commit position of a streamed change is the end LSN of the transaction committed before its own
 * (Debezium's {@code source.sequence[0]}), which grows strictly from one decoded transaction to the next; the
 * sequence orders the document's changes within one position. The epoch (see {@link VersionEpochs}) lets an
 * operator start over above everything when the database's LSNs went backwards.
 */
public record DocumentVersion(int epoch, long position, int sequence) implements Comparable<DocumentVersion> {
    /** Bits of the epoch. */
    public static final int EPOCH_BITS = VersionEpochs.EPOCH_BITS;
    /** Bits of the commit position: LSNs up to 2 PiB of WAL. */
    public static final int POSITION_BITS = 51;
    /** Bits of the sequence within a position. */
    public static final int SEQUENCE_BITS = 7;
    /** The largest commit position a version can carry. */
    public static final long MAX_POSITION = (1L << POSITION_BITS) - 1;
    /** The largest sequence within a position. */
    public static final int MAX_SEQUENCE = (1 << SEQUENCE_BITS) - 1;

    public DocumentVersion {
        if (epoch < 0 || epoch >= 1 << EPOCH_BITS) {
            throw new IllegalArgumentException("epoch out of range: " + epoch);
        }
        if (position < 0 || position > MAX_POSITION) {
            throw new IllegalArgumentException("commit position " + position + " is beyond the " + POSITION_BITS
                    + "-bit range of document versions (LSN " + lsnText(position) + ")");
        }
        if (sequence < 0 || sequence > MAX_SEQUENCE) {
            throw new IllegalArgumentException("sequence out of range: " + sequence);
        }
    }

    /** @return the version as Elasticsearch's external version */
    public long asLong() {
        return ((long) epoch << (POSITION_BITS + SEQUENCE_BITS)) | (position << SEQUENCE_BITS) | sequence;
    }

    /** @return the version a {@link #asLong()} value stands for */
    public static DocumentVersion of(long value) {
        if (value < 0) {
            throw new IllegalArgumentException("not a document version: " + value);
        }
        return new DocumentVersion(
                (int) (value >>> (POSITION_BITS + SEQUENCE_BITS)), (value >>> SEQUENCE_BITS) & MAX_POSITION, (int)
                        (value & MAX_SEQUENCE));
    }

    /**
     * The version of a document's next write, after {@code current} (null for none), for a change at {@code change}
     * that follows the document's previous changes: a later commit position starts at sequence 0, anything else
     * (a change inside the same transaction, a straddling transaction after a snapshot read, a change of the other
     * table arriving later) takes the next sequence. A full sequence moves to the next position: real commit
     * positions are at least one WAL record apart, and the result is greater than {@code current} in any case.
     */
    public static DocumentVersion next(DocumentVersion current, ChangePosition change) {
        if (current == null
                || change.epoch() > current.epoch
                || (change.epoch() == current.epoch && change.commit() > current.position)) {
            return new DocumentVersion(change.epoch(), change.commit(), 0);
        }
        if (current.sequence == MAX_SEQUENCE) {
            return new DocumentVersion(current.epoch, current.position + 1, 0);
        }
        return new DocumentVersion(current.epoch, current.position, current.sequence + 1);
    }

    /** Whether {@code other} is at the same epoch and commit position. */
    public boolean samePosition(DocumentVersion other) {
        return epoch == other.epoch && position == other.position;
    }

    @Override
    public int compareTo(DocumentVersion other) {
        return Long.compare(asLong(), other.asLong());
    }

    /** PostgreSQL's text form of an LSN, e.g. {@code 0/16B3748}. */
    public static String lsnText(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase();
    }
}
