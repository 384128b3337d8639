package io.temporalcdc.indexer.version;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporalcdc.runtime.version.ChangePosition;
import io.temporalcdc.runtime.version.VersionEpochs;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DocumentVersionTest {

    @Test
    void shouldPackEpochPositionAndSequenceIntoOnePositiveLongThatOrdersLikeThem() {
        DocumentVersion low = new DocumentVersion(0, 1_000, 127);
        DocumentVersion next = new DocumentVersion(0, 1_001, 0);
        DocumentVersion epoch = new DocumentVersion(1, 5, 0);
        DocumentVersion max = new DocumentVersion(31, DocumentVersion.MAX_POSITION, DocumentVersion.MAX_SEQUENCE);

        assertThat(low.asLong()).isLessThan(next.asLong());
        assertThat(next.asLong()).isLessThan(epoch.asLong());
        assertThat(max.asLong()).isEqualTo(Long.MAX_VALUE);
        assertThat(DocumentVersion.of(epoch.asLong())).isEqualTo(epoch);
        assertThat(DocumentVersion.of(max.asLong())).isEqualTo(max);
    }

    @Test
    void shouldRefuseAPositionBeyondItsBits() {
        assertThatThrownBy(() -> new DocumentVersion(0, DocumentVersion.MAX_POSITION + 1, 0))
                .hasMessageContaining("beyond the 51-bit range")
                .hasMessageContaining("/");
    }

    @Test
    void shouldStartALaterCommitAtSequenceZeroAndCountChangesWithinOne() {
        DocumentVersion first = DocumentVersion.next(null, position(0, 100, 110, false, true));
        DocumentVersion second = DocumentVersion.next(first, position(0, 100, 120, false, true));
        DocumentVersion earlierCommitLaterArrival = DocumentVersion.next(second, position(0, 90, 95, false, true));
        DocumentVersion later = DocumentVersion.next(earlierCommitLaterArrival, position(0, 200, 210, false, true));

        assertThat(first).isEqualTo(new DocumentVersion(0, 100, 0));
        assertThat(second).isEqualTo(new DocumentVersion(0, 100, 1));
        assertThat(earlierCommitLaterArrival).isEqualTo(new DocumentVersion(0, 100, 2));
        assertThat(later).isEqualTo(new DocumentVersion(0, 200, 0));
    }

    @Test
    void shouldMoveToTheNextPositionWhenTheSequenceIsFullAndStayIncreasing() {
        DocumentVersion full = new DocumentVersion(0, 100, DocumentVersion.MAX_SEQUENCE);

        DocumentVersion next = DocumentVersion.next(full, position(0, 100, 999, false, true));

        assertThat(next).isEqualTo(new DocumentVersion(0, 101, 0));
        assertThat(next).isGreaterThan(full);
    }

    @Test
    void shouldPutChangesAtOrAfterAnEpochStartAboveEverythingBefore() {
        VersionEpochs epochs = new VersionEpochs(
                List.of(Instant.parse("2026-01-01T00:00:00Z"), Instant.parse("2026-06-01T00:00:00Z")));

        assertThat(epochs.epochOf(Instant.parse("2025-12-31T23:59:59Z").toEpochMilli()))
                .isZero();
        assertThat(epochs.epochOf(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(1);
        assertThat(epochs.epochOf(Instant.parse("2026-07-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(2);
        assertThatThrownBy(() -> new VersionEpochs(List.of(Instant.parse("2026-06-01T00:00:00Z"), Instant.EPOCH)))
                .hasMessageContaining("increasing order");
    }

    @Test
    void shouldLetOnlyTheFirstTransactionOfTheSameStreamFollowASnapshotReadWithALowerLsn() {
        ChangePosition snapshot = position(0, 5_000, 5_000, true, true);
        ChangePosition straddler = position(0, 4_900, 4_900, false, false);
        ChangePosition knownOlder = position(0, 4_800, 4_900, false, true);

        assertThat(straddler.follows(snapshot, snapshot)).isTrue();
        assertThat(straddler.follows(snapshot, position(0, 300, 300, true, true)))
                .isFalse();
        assertThat(knownOlder.follows(snapshot, snapshot)).isFalse();
        assertThat(position(0, 5_100, 5_150, false, true).follows(snapshot, snapshot))
                .isTrue();
        assertThat(snapshot.sameChange(position(0, 5_000, 5_000, true, true))).isTrue();
    }

    private static ChangePosition position(int epoch, long commit, long lsn, boolean snapshot, boolean known) {
        return new ChangePosition(epoch, commit, lsn, snapshot, known);
    }
}
