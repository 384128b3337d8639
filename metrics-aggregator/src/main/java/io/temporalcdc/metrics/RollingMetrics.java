package io.temporalcdc.metrics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.Codec;

/**
 * Runs of one namespace and workflow type in one minute, or summed over a rolling window: how many started in it (by
 * start_time) and how many closed in it (by close_time), by status, with the durations of those that closed. Runs
 * are added and taken back, as in {@link GroupMetrics}.
 */
public final class RollingMetrics {
    private static final int FORMAT = 2;

    private long started;
    private final long[] closedByStatus = new long[RunRow.MAX_STATUS + 1];
    private DurationSketch durations = new DurationSketch();

    /** Counts ({@code sign} 1) or takes back (−1) a run that started in this minute. */
    public void started(int sign) {
        started += sign;
        check();
    }

    /** Counts ({@code sign} 1) or takes back (−1) a run that closed in this minute. */
    public void closed(RunRow run, int sign) {
        closedByStatus[run.status()] += sign;
        if (sign > 0) {
            durations.add(run.durationMicros());
        } else {
            durations.remove(run.durationMicros());
        }
        check();
    }

    /** Adds another minute's runs: for a window's sum. */
    public void addAll(RollingMetrics other) {
        started += other.started;
        for (int i = 0; i < closedByStatus.length; i++) {
            closedByStatus[i] += other.closedByStatus[i];
        }
        durations.addAll(other.durations);
    }

    /** @return whether nothing is counted */
    public boolean isEmpty() {
        return started == 0 && durations.count() == 0;
    }

    /** @return the runs started */
    public long started() {
        return started;
    }

    /** @return the runs closed with {@code status} */
    public long closed(int status) {
        return closedByStatus[status];
    }

    /** @return the 95th percentile of the closed runs' durations in seconds; null when none closed */
    public Double p95DurationSeconds() {
        return durations.percentileCont(0.95);
    }

    /**
     * The window as the API gives it: {@code namespace}, {@code workflowType}, {@code window}, {@code started}, the
     * closed runs by status ({@code completed} … {@code timedOut}), {@code p95DurationSeconds}.
     */
    public ObjectNode toJson(String namespace, String workflowType, String window) {
        ObjectNode row = JsonNodeFactory.instance.objectNode();
        row.put("namespace", namespace);
        row.put("workflowType", workflowType);
        row.put("window", window);
        row.put("started", started);
        for (int status = RunRow.RUNNING + 1; status <= RunRow.MAX_STATUS; status++) {
            row.put(GroupMetrics.STATUS_FIELDS[status], closedByStatus[status]);
        }
        row.put("p95DurationSeconds", p95DurationSeconds());
        return row;
    }

    /** @return the stored form */
    public byte[] encode() {
        Codec.Writer out = new Codec.Writer(FORMAT).varint(started);
        for (long n : closedByStatus) {
            out.varint(n);
        }
        durations.write(out);
        return out.bytes();
    }

    /** @return the minute {@link #encode()} stored; an empty one for null */
    public static RollingMetrics decode(byte[] bytes) {
        RollingMetrics metrics = new RollingMetrics();
        if (bytes == null) {
            return metrics;
        }
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, "a rolling metrics minute");
        metrics.started = in.varint();
        for (int i = 0; i < metrics.closedByStatus.length; i++) {
            metrics.closedByStatus[i] = in.varint();
        }
        metrics.durations = DurationSketch.read(in);
        return metrics;
    }

    private void check() {
        if (started < 0) {
            throw new IllegalStateException("a run was taken back that was never added");
        }
        for (long n : closedByStatus) {
            if (n < 0) {
                throw new IllegalStateException("a run was taken back that was never added");
            }
        }
    }
}
