package io.temporalcdc.crossregion;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules, pure: what a row change of one region does to the row's {@link RowState}, and which {@link
 * ReplicationEvent}s follow.
 *
 * <ul>
 *   <li><b>Lag</b>: when a region reaches a version another region already has, the change was replicated: lag = when
 *       the later region's cdc-source captured it − the commit time in the origin (PostgreSQL reports a transaction
 *       applied from a subscription with its origin's commit time, so the replica's own commit time is not in its
 *       change stream; its capture time stands in, late by up to twice cdc-source's poll interval). Not measured when either side
 *       was read by a snapshot,
 *       whose time is not a commit's, nor when a region returns to the version all regions last agreed on: a row
 *       re-synced by hand was not replicated).
 *   <li><b>Agreement</b>: every region of {@code regions} has the row at the same version (a deleted row: {@link
 *       RowVersions#DELETED}). A row the regions disagree on for longer than {@code bound} (wall clock) is a
 *       divergence, opened by {@link #expire}; agreement closes it.
 *   <li>A row all regions agree is deleted needs no state: {@link #removable}.
 * </ul>
 */
public final class ReplicationLedger {
    private final Set<String> regions;
    private final String primary;
    private final long boundMs;

    /**
     * @param regions every region whose change streams are compared
     * @param primary the region the others replicate from: the origin of a version two regions report with the same
     *     commit time
     * @param bound how long regions may disagree on a row before it is a divergence
     */
    public ReplicationLedger(Set<String> regions, String primary, Duration bound) {
        if (regions.size() < 2) {
            throw new IllegalArgumentException("cross-region needs two regions or more, got " + regions);
        }
        if (!regions.contains(primary)) {
            throw new IllegalArgumentException("the primary region " + primary + " is not one of " + regions);
        }
        this.regions = Set.copyOf(regions);
        this.primary = primary;
        this.boundMs = bound.toMillis();
    }

    /** Applies {@code change} to {@code state} (which it updates) at wall-clock time {@code nowMs}. */
    public List<ReplicationEvent> apply(RowState state, RowChange change, long nowMs) {
        List<ReplicationEvent> events = new ArrayList<>();
        String otherRegion = null;
        RowState.Seen other = null;
        for (Map.Entry<String, RowState.Seen> entry : state.regions().entrySet()) {
            RowState.Seen seen = entry.getValue();
            if (!entry.getKey().equals(change.region())
                    && seen.version().equals(change.version())
                    && (other == null || seen.commitMs() < other.commitMs())) {
                other = seen;
                otherRegion = entry.getKey();
            }
        }
        RowState.Seen previous = state.regions().get(change.region());
        boolean repeated = previous != null && previous.version().equals(change.version());
        state.regions()
                .put(
                        change.region(),
                        new RowState.Seen(change.version(), change.commitMs(), change.capturedMs(), change.snapshot()));
        boolean resynced = change.version().equals(state.agreedVersion());
        if (other != null && !repeated && !resynced && !other.snapshot() && !change.snapshot()) {
            // the origin: the earlier commit; PostgreSQL reports a subscription's applied transaction with its
            // origin's commit time, so the two are usually equal: then the primary region, else the earlier capture.
            // The replica: the other one, seen when its cdc-source captured it
            boolean sameCommit = change.commitMs() == other.commitMs();
            boolean changeIsOrigin = change.commitMs() < other.commitMs()
                    || (sameCommit && change.region().equals(primary))
                    || (sameCommit && !otherRegion.equals(primary) && change.capturedMs() <= other.capturedMs());
            events.add(
                    changeIsOrigin
                            ? ReplicationEvent.replicated(
                                    change.table(),
                                    change.key(),
                                    change.version(),
                                    change.region(),
                                    change.commitMs(),
                                    otherRegion,
                                    other.capturedMs(),
                                    nowMs)
                            : ReplicationEvent.replicated(
                                    change.table(),
                                    change.key(),
                                    change.version(),
                                    otherRegion,
                                    other.commitMs(),
                                    change.region(),
                                    change.capturedMs(),
                                    nowMs));
        }
        if (agree(state)) {
            state.agreedVersion(change.version());
            if (state.divergent()) {
                events.add(ReplicationEvent.closed(
                        change.table(), change.key(), change.version(), state.divergenceOpenedMs(), nowMs));
                state.divergenceOpened(-1);
            }
            state.disagreeSince(-1);
        } else if (state.disagreeSinceMs() < 0) {
            state.disagreeSince(nowMs);
        }
        return events;
    }

    /**
     * Opens a divergence on a row the regions have disagreed on for longer than the bound.
     *
     * @return the opening event, or null when nothing opens
     */
    public ReplicationEvent expire(String table, String key, RowState state, long nowMs) {
        if (state.disagreeSinceMs() < 0 || state.divergent() || nowMs - state.disagreeSinceMs() < boundMs) {
            return null;
        }
        state.divergenceOpened(nowMs);
        Map<String, String> versions = new LinkedHashMap<>();
        regions.stream().sorted().forEach(region -> {
            RowState.Seen seen = state.regions().get(region);
            versions.put(region, seen == null ? null : seen.version());
        });
        return ReplicationEvent.opened(table, key, versions, state.disagreeSinceMs(), nowMs);
    }

    /** @return whether every region has the row at one version */
    public boolean agree(RowState state) {
        String version = null;
        for (String region : regions) {
            RowState.Seen seen = state.regions().get(region);
            if (seen == null || (version != null && !version.equals(seen.version()))) {
                return false;
            }
            version = seen.version();
        }
        return true;
    }

    /** @return whether the state can go: every region agrees the row is deleted */
    public boolean removable(RowState state) {
        return agree(state)
                && RowVersions.DELETED.equals(
                        state.regions().values().iterator().next().version());
    }

    /** @return the regions compared */
    public Set<String> regions() {
        return regions;
    }
}
