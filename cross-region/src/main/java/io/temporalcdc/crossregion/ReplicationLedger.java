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
 *   <li><b>Lag</b>: when a region reaches a version another region already has, the change was replicated: lag = its
 *       commit time − the earlier region's commit time (not measured when either side was read by a snapshot,
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
    private final long boundMs;

    /**
     * @param regions every region whose change streams are compared
     * @param bound how long regions may disagree on a row before it is a divergence
     */
    public ReplicationLedger(Set<String> regions, Duration bound) {
        if (regions.size() < 2) {
            throw new IllegalArgumentException("cross-region needs two regions or more, got " + regions);
        }
        this.regions = Set.copyOf(regions);
        this.boundMs = bound.toMillis();
    }

    /** Applies {@code change} to {@code state} (which it updates) at wall-clock time {@code nowMs}. */
    public List<ReplicationEvent> apply(RowState state, RowChange change, long nowMs) {
        List<ReplicationEvent> events = new ArrayList<>();
        RowState.Seen origin = null;
        String originRegion = null;
        for (Map.Entry<String, RowState.Seen> other : state.regions().entrySet()) {
            RowState.Seen seen = other.getValue();
            if (!other.getKey().equals(change.region())
                    && seen.version().equals(change.version())
                    && (origin == null || seen.commitMs() < origin.commitMs())) {
                origin = seen;
                originRegion = other.getKey();
            }
        }
        RowState.Seen previous = state.regions().get(change.region());
        boolean repeated = previous != null && previous.version().equals(change.version());
        state.regions().put(change.region(), new RowState.Seen(change.version(), change.commitMs(), change.snapshot()));
        boolean resynced = change.version().equals(state.agreedVersion());
        if (origin != null && !repeated && !resynced && !origin.snapshot() && !change.snapshot()) {
            events.add(
                    origin.commitMs() <= change.commitMs()
                            ? ReplicationEvent.replicated(change, originRegion, origin.commitMs(), nowMs)
                            : ReplicationEvent.replicated(
                                    new RowChange(
                                            change.table(),
                                            change.key(),
                                            originRegion,
                                            change.version(),
                                            origin.commitMs(),
                                            false),
                                    change.region(),
                                    change.commitMs(),
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
