package io.temporalcdc.demo;

import io.temporalcdc.schemas.WorkflowMetricsView;
import java.util.List;
import java.util.Locale;

/**
 * The metrics aggregator's answer compared with the seed's {@code workflow_metrics} view refreshed after the drain.
 *
 * @param comparison every group of the view and of the API, compared
 * @param aggregated the aggregator's commit → aggregated latency during the workload
 */
record MetricsReport(WorkflowMetricsView.Comparison comparison, Latency aggregated) {

    /** How many mismatches the log names. */
    static final int NAMED = 10;

    /** True when every group equals the view (counts exactly, durations within their bounds). */
    boolean isClean() {
        return comparison.matches();
    }

    /** Groups of the view with at least one mismatch, or missing from the API, plus groups only the API has. */
    long groupsDiffering() {
        return comparison.mismatches().stream()
                .map(mismatch -> mismatch.substring(0, mismatch.indexOf(": ")))
                .distinct()
                .count();
    }

    /**
     * The summary line, e.g. {@code metrics: 42 groups of the seed's view (REFRESH MATERIALIZED VIEW), 42 from the
     * API, 0 differ -> CLEAN; commit->aggregated p50 40 ms, p99 120 ms}.
     */
    String line() {
        return String.format(
                Locale.ROOT,
                "metrics: %d groups of the seed's view (REFRESH MATERIALIZED VIEW), %d from the API, %d differ -> %s;"
                        + " commit->aggregated p50 %s, p99 %s",
                comparison.viewGroups(),
                comparison.apiGroups(),
                groupsDiffering(),
                isClean() ? "CLEAN" : "MISMATCH",
                Latency.millis(aggregated.p50Seconds()),
                Latency.millis(aggregated.p99Seconds()));
    }

    /** The first {@link #NAMED} mismatches, for the log. */
    List<String> named() {
        return comparison.mismatches().stream().limit(NAMED).toList();
    }
}
