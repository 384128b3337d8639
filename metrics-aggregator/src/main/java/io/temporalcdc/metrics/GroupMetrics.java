package io.temporalcdc.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.Codec;
import java.time.LocalDate;

/**
 * The metrics of one group (namespace, workflow type, UTC day of start_time), as the seed's {@code workflow_metrics}
 * view computes them: every run counted once in {@code total} and once under its status, and the duration ({@code
 * close_time − start_time}) of every run with a close_time in an exact sum (for the average) and a {@link
 * DurationSketch} (for the median and 95th percentile). Runs are added and taken back, so the metrics follow updates
 * and deletes exactly.
 */
public final class GroupMetrics {
    /** The JSON field of each status number, 0 (unspecified) having none. */
    static final String[] STATUS_FIELDS = {
        null, "running", "completed", "failed", "canceled", "terminated", "continuedAsNew", "timedOut"
    };

    private static final int FORMAT = 2;
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private long total;
    private final long[] byStatus = new long[RunRow.MAX_STATUS + 1];
    private long closed;
    private long durationSumMicros;
    private DurationSketch durations = new DurationSketch();

    /** Adds ({@code sign} 1) or takes back ({@code sign} −1) a run. */
    public void apply(RunRow run, int sign) {
        total += sign;
        byStatus[run.status()] += sign;
        if (run.closed()) {
            closed += sign;
            durationSumMicros = Math.addExact(durationSumMicros, sign * run.durationMicros());
            if (sign > 0) {
                durations.add(run.durationMicros());
            } else {
                durations.remove(run.durationMicros());
            }
        }
        if (total < 0 || byStatus[run.status()] < 0 || closed < 0) {
            throw new IllegalStateException("a run was taken back that was never added");
        }
    }

    /**
     * @return whether {@code run} can be taken back: the group counts a run with its status and, when it closed, a
     *     duration in its bucket (false only when the run was never added here: a window changed, a clock went back)
     */
    public boolean canTakeBack(RunRow run) {
        return total > 0
                && byStatus[run.status()] > 0
                && (!run.closed() || (closed > 0 && durations.holds(run.durationMicros())));
    }

    /** @return whether no run is left: the group is gone, as it would be from the view */
    public boolean isEmpty() {
        return total == 0;
    }

    /** @return the runs counted */
    public long total() {
        return total;
    }

    /** @return the runs counted with {@code status} */
    public long count(int status) {
        return byStatus[status];
    }

    /** @return the average duration in seconds over closed runs; null when none closed */
    public Double avgDurationSeconds() {
        return closed == 0 ? null : durationSumMicros / MICROS_PER_SECOND / closed;
    }

    /** @return the durations' sketch */
    public DurationSketch durations() {
        return durations;
    }

    /**
     * The row as the API and the output topic give it: {@code namespace}, {@code workflowType}, {@code date},
     * {@code total}, one count per status, {@code avgDurationSeconds}, {@code medianDurationSeconds}, {@code
     * p95DurationSeconds} (null where no run of the group closed).
     */
    public ObjectNode toJson(String namespace, String workflowType, LocalDate date) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("namespace", namespace);
        row.put("workflowType", workflowType);
        row.put("date", date.toString());
        row.put("total", total);
        for (int status = RunRow.RUNNING; status <= RunRow.MAX_STATUS; status++) {
            row.put(STATUS_FIELDS[status], byStatus[status]);
        }
        row.put("avgDurationSeconds", avgDurationSeconds());
        row.put("medianDurationSeconds", durations.percentileCont(0.5));
        row.put("p95DurationSeconds", durations.percentileCont(0.95));
        return row;
    }

    /** @return the stored form */
    public byte[] encode() {
        Codec.Writer out = new Codec.Writer(FORMAT).varint(total);
        for (long n : byStatus) {
            out.varint(n);
        }
        out.varint(closed).varint(durationSumMicros);
        durations.write(out);
        return out.bytes();
    }

    /** @return the metrics {@link #encode()} stored; empty ones for null */
    public static GroupMetrics decode(byte[] bytes) {
        GroupMetrics metrics = new GroupMetrics();
        if (bytes == null) {
            return metrics;
        }
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, "a workflow metrics group");
        metrics.total = in.varint();
        for (int i = 0; i < metrics.byStatus.length; i++) {
            metrics.byStatus[i] = in.varint();
        }
        metrics.closed = in.varint();
        metrics.durationSumMicros = in.varint();
        metrics.durations = DurationSketch.read(in);
        return metrics;
    }
}
