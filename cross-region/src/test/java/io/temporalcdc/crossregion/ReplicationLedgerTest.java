package io.temporalcdc.crossregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReplicationLedgerTest {
    private static final String TABLE = "temporal_visibility.executions";
    private static final String KEY = "{\"namespace_id\":\"ns\",\"run_id\":\"r1\"}";
    private final ReplicationLedger ledger = new ReplicationLedger(Set.of("a", "b"), "a", Duration.ofSeconds(60));

    private static RowChange change(String region, String version, long commitMs) {
        return new RowChange(TABLE, KEY, region, version, commitMs, commitMs, false);
    }

    @Test
    void shouldMeasureTheLagOfAVersionReachingTheSecondRegion() {
        RowState state = new RowState();

        assertThat(ledger.apply(state, change("a", "v1", 1_000), 5_000)).isEmpty();
        assertThat(state.disagreeSinceMs()).isEqualTo(5_000);
        List<ReplicationEvent> events = ledger.apply(state, change("b", "v1", 1_250), 5_100);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(ReplicationEvent.REPLICATED);
            assertThat(event.originRegion()).isEqualTo("a");
            assertThat(event.region()).isEqualTo("b");
            assertThat(event.lagMs()).isEqualTo(250);
        });
        assertThat(ledger.agree(state)).isTrue();
        assertThat(state.disagreeSinceMs()).isEqualTo(-1);
    }

    @Test
    void shouldMeasureTheLagFromTheEarlierCommitWhateverTheArrivalOrder() {
        RowState state = new RowState();

        ledger.apply(state, change("b", "v1", 1_400), 5_000);
        List<ReplicationEvent> events = ledger.apply(state, change("a", "v1", 1_000), 5_100);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.originRegion()).isEqualTo("a");
            assertThat(event.region()).isEqualTo("b");
            assertThat(event.lagMs()).isEqualTo(400);
        });
    }

    @Test
    void shouldMeasureFromTheReplicasCaptureWhenItReportsTheOriginsCommitTime() {
        // PostgreSQL reports a transaction applied from a subscription with its origin's commit time
        RowState state = new RowState();
        ledger.apply(state, new RowChange(TABLE, KEY, "b", "v1", 1_000, 7_000, false), 5_000);

        List<ReplicationEvent> events =
                ledger.apply(state, new RowChange(TABLE, KEY, "a", "v1", 1_000, 1_050, false), 5_100);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.originRegion()).isEqualTo("a");
            assertThat(event.region()).isEqualTo("b");
            assertThat(event.lagMs()).isEqualTo(6_000);
        });
    }

    @Test
    void shouldTakeThePrimaryAsTheOriginOfAVersionBothReportWithOneCommitTimeWhateverTheCaptureOrder() {
        RowState state = new RowState();
        // the replica's cdc-source happened to capture first
        ledger.apply(state, new RowChange(TABLE, KEY, "b", "v1", 1_000, 1_030, false), 5_000);

        List<ReplicationEvent> events =
                ledger.apply(state, new RowChange(TABLE, KEY, "a", "v1", 1_000, 1_090, false), 5_100);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.originRegion()).isEqualTo("a");
            assertThat(event.region()).isEqualTo("b");
            assertThat(event.lagMs()).isEqualTo(30);
        });
    }

    @Test
    void shouldNotMeasureALagAgainstASnapshotRead() {
        RowState state = new RowState();
        ledger.apply(state, change("a", "v1", 1_000), 5_000);

        List<ReplicationEvent> events =
                ledger.apply(state, new RowChange(TABLE, KEY, "b", "v1", 90_000, 90_000, true), 5_100);

        assertThat(events).isEmpty();
        assertThat(ledger.agree(state)).isTrue();
    }

    @Test
    void shouldOpenADivergencePastTheBoundAndCloseItWhenTheRegionsAgreeAgain() {
        RowState state = new RowState();
        ledger.apply(state, change("a", "v1", 1_000), 1_000);
        ledger.apply(state, change("b", "v1", 1_100), 1_100);
        // b's copy deleted by hand: b says deleted, a still has v1
        ledger.apply(state, change("b", RowVersions.DELETED, 2_000), 2_000);

        assertThat(ledger.expire(TABLE, KEY, state, 61_999)).isNull();
        ReplicationEvent opened = ledger.expire(TABLE, KEY, state, 62_000);
        assertThat(opened.type()).isEqualTo(ReplicationEvent.DIVERGENCE_OPENED);
        assertThat(opened.versions()).containsEntry("a", "v1").containsEntry("b", RowVersions.DELETED);
        assertThat(opened.sinceMs()).isEqualTo(2_000);
        assertThat(ledger.expire(TABLE, KEY, state, 70_000)).as("opened once").isNull();

        // re-synced: b has the row at a's version again
        List<ReplicationEvent> events = ledger.apply(state, change("b", "v1", 80_000), 80_000);

        assertThat(events).singleElement().satisfies(event -> {
            assertThat(event.type()).isEqualTo(ReplicationEvent.DIVERGENCE_CLOSED);
            assertThat(event.version()).isEqualTo("v1");
            assertThat(event.openForMs()).isEqualTo(18_000);
        });
        assertThat(state.divergent()).isFalse();
    }

    @Test
    void shouldCountARowOnlyOneRegionHasAsDisagreement() {
        RowState state = new RowState();
        ledger.apply(state, change("a", "v1", 1_000), 1_000);

        assertThat(ledger.expire(TABLE, KEY, state, 61_000).versions())
                .containsEntry("a", "v1")
                .containsEntry("b", null);
    }

    @Test
    void shouldDropTheStateOfARowEveryRegionDeleted() {
        RowState state = new RowState();
        ledger.apply(state, change("a", RowVersions.DELETED, 1_000), 1_000);
        assertThat(ledger.removable(state)).isFalse();

        ledger.apply(state, change("b", RowVersions.DELETED, 1_200), 1_200);

        assertThat(ledger.removable(state)).isTrue();
    }

    @Test
    void shouldNeedTwoRegions() {
        assertThatThrownBy(() -> new ReplicationLedger(Set.of("a"), "a", Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two regions");
    }
}
