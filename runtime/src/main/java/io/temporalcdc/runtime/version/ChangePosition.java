package io.temporalcdc.runtime.version;

import io.temporalcdc.runtime.ChangeEvent;

/**
 * Where one change of a row stands in the source's commit order.
 *
 * @param epoch the version epoch of its commit time
 * @param commit its commit position: for a streamed change the end LSN of the transaction committed before its
 *     own ({@code source.sequence[0]}), or its own LSN when the connector gives none; for a snapshot read the
 *     snapshot's LSN
 * @param lsn the change's own LSN (orders the changes of one row inside a transaction)
 * @param snapshot whether it was read by a snapshot
 * @param commitKnown whether {@code commit} is a real commit position: false for a streamed change of the first
 *     transaction the connector decoded after a snapshot ({@code source.sequence[0]} is null then), whose own LSN
 *     stands in for it
 */
public record ChangePosition(int epoch, long commit, long lsn, boolean snapshot, boolean commitKnown)
        implements Comparable<ChangePosition> {

    /** @return the position of {@code source}, in the epochs given */
    public static ChangePosition of(ChangeEvent.Source source, VersionEpochs epochs) {
        if (source == null || source.lsn() < 0) {
            throw new IllegalArgumentException("source.lsn is missing: the change cannot be ordered");
        }
        boolean known = source.snapshot() || source.lastCommitLsn() != null;
        long commit = !source.snapshot() && source.lastCommitLsn() != null ? source.lastCommitLsn() : source.lsn();
        return new ChangePosition(epochs.epochOf(source.tsMs()), commit, source.lsn(), source.snapshot(), known);
    }

    /** Commit order first, then the order inside the transaction; the snapshot flag does not order. */
    @Override
    public int compareTo(ChangePosition other) {
        int byEpoch = Integer.compare(epoch, other.epoch);
        if (byEpoch != 0) {
            return byEpoch;
        }
        int byCommit = Long.compare(commit, other.commit);
        return byCommit != 0 ? byCommit : Long.compare(lsn, other.lsn);
    }

    /**
     * Whether this change comes after {@code previous}, the last change applied to the same row, by commit order.
     *
     * <p>One case needs more than positions: the snapshot saw the row as of the slot's consistent point, and a
     * transaction that began before that point but committed after it streams changes whose LSNs are lower. Such a
     * transaction is the first one decoded after the snapshot or a later one; a later one has a known commit position
     * above the snapshot's and compares as newer. The first has none, so a streamed change without a known commit
     * position follows the snapshot read it comes after, provided that read is the last snapshot read seen for the
     * row ({@code lastSnapshot}): the read of the snapshot this stream continues, not one of another cluster that was
     * refused as older.
     *
     * @param lastSnapshot the last snapshot read seen for the row, applied or not (null for none)
     */
    public boolean follows(ChangePosition previous, ChangePosition lastSnapshot) {
        if (previous == null) {
            return true;
        }
        if (previous.snapshot
                && !snapshot
                && !commitKnown
                && epoch >= previous.epoch
                && previous.sameChange(lastSnapshot)) {
            return true;
        }
        return compareTo(previous) > 0;
    }

    /** Whether this is the very change {@code previous} was (a redelivery). */
    public boolean sameChange(ChangePosition previous) {
        return previous != null && compareTo(previous) == 0 && snapshot == previous.snapshot;
    }
}
