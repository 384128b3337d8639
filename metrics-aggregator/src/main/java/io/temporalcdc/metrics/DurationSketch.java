package io.temporalcdc.metrics;

import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.schemas.WorkflowMetricsView;
import java.util.Map;
import java.util.TreeMap;

/**
 * Durations in a DDSketch (Datadog's {@code sketches-java} index mapping, {@value #RELATIVE_ACCURACY} relative
 * accuracy) that can also take a value back: a value's bucket is decremented, so a run that closes again, moves to
 * another day or is deleted leaves no trace. Buckets are kept sparse, with exact integer counts; zero durations have
 * their own exact counter, negative ones (a close_time before start_time) their own buckets.
 *
 * <p>{@link #percentileCont} answers as PostgreSQL's {@code percentile_cont}: it interpolates between the values at
 * the two ranks around {@code q·(n−1)}, each read as its bucket's representative value, which is within
 * {@value #RELATIVE_ACCURACY} of every value in the bucket. The result is therefore within that relative error of
 * {@code percentile_cont} over the exact values whenever the two values have the same sign (durations are never
 * negative unless a close_time precedes its start_time); across zero, within that error of {@code |low| + |high|}.
 */
public final class DurationSketch {
    /** The relative accuracy of every quantile. */
    public static final double RELATIVE_ACCURACY = WorkflowMetricsView.SKETCH_BOUND;

    private static final IndexMapping MAPPING = new LogarithmicMapping(RELATIVE_ACCURACY);
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private final TreeMap<Integer, Long> positive = new TreeMap<>();
    private final TreeMap<Integer, Long> negative = new TreeMap<>();
    private long zeros;
    private long count;

    /** Adds a duration. */
    public void add(long micros) {
        change(micros, 1);
    }

    /** Takes back a duration added before. */
    public void remove(long micros) {
        change(micros, -1);
    }

    /** Adds every value of {@code other}. */
    public void addAll(DurationSketch other) {
        other.positive.forEach((index, n) -> bump(positive, index, n));
        other.negative.forEach((index, n) -> bump(negative, index, n));
        zeros += other.zeros;
        count += other.count;
    }

    /** @return whether the bucket of {@code micros} holds a value (it can be taken back) */
    public boolean holds(long micros) {
        if (micros == 0) {
            return zeros > 0;
        }
        TreeMap<Integer, Long> bins = micros > 0 ? positive : negative;
        return bins.containsKey(MAPPING.index(Math.abs(micros) / MICROS_PER_SECOND));
    }

    /** @return how many values the sketch holds */
    public long count() {
        return count;
    }

    /** @return the buckets in use: what the sketch costs in memory */
    public int buckets() {
        return positive.size() + negative.size() + (zeros > 0 ? 1 : 0);
    }

    /**
     * @param q the quantile, 0 … 1
     * @return {@code percentile_cont(q)} of the durations in seconds, within {@link #RELATIVE_ACCURACY}; null when
     *     empty
     */
    public Double percentileCont(double q) {
        if (count == 0) {
            return null;
        }
        double rank = q * (count - 1);
        long lo = (long) Math.floor(rank);
        long hi = (long) Math.ceil(rank);
        double low = valueAtRank(lo);
        double high = hi == lo ? low : valueAtRank(hi);
        return low + (rank - lo) * (high - low);
    }

    /** The value (seconds) of the element at 0-based {@code rank} in ascending order. */
    private double valueAtRank(long rank) {
        long seen = 0;
        for (Map.Entry<Integer, Long> bin : negative.descendingMap().entrySet()) {
            seen += bin.getValue();
            if (seen > rank) {
                return -MAPPING.value(bin.getKey());
            }
        }
        seen += zeros;
        if (seen > rank) {
            return 0.0;
        }
        for (Map.Entry<Integer, Long> bin : positive.entrySet()) {
            seen += bin.getValue();
            if (seen > rank) {
                return MAPPING.value(bin.getKey());
            }
        }
        throw new IllegalStateException("rank " + rank + " beyond the sketch's " + count + " values");
    }

    private void change(long micros, long delta) {
        if (micros == 0) {
            if (zeros + delta < 0) {
                throw new IllegalStateException("a duration was taken back that was never added");
            }
            zeros += delta;
        } else if (micros > 0) {
            bump(positive, MAPPING.index(micros / MICROS_PER_SECOND), delta);
        } else {
            bump(negative, MAPPING.index(-micros / MICROS_PER_SECOND), delta);
        }
        count += delta;
        if (zeros < 0 || count < 0) {
            throw new IllegalStateException("a duration was taken back that was never added");
        }
    }

    private static void bump(TreeMap<Integer, Long> bins, int index, long delta) {
        long now = bins.getOrDefault(index, 0L) + delta;
        if (now < 0) {
            throw new IllegalStateException("a duration was taken back that was never added");
        }
        if (now == 0) {
            bins.remove(index);
        } else {
            bins.put(index, now);
        }
    }

    /** Varints: the zero count, then per store its bin count and each bin as (index − previous index, count). */
    void write(Codec.Writer out) {
        out.varint(zeros);
        writeBins(out, positive);
        writeBins(out, negative);
    }

    static DurationSketch read(Codec.Reader in) {
        DurationSketch sketch = new DurationSketch();
        sketch.zeros = in.varint();
        sketch.count = sketch.zeros + readBins(in, sketch.positive) + readBins(in, sketch.negative);
        return sketch;
    }

    private static void writeBins(Codec.Writer out, TreeMap<Integer, Long> bins) {
        out.varint(bins.size());
        long previous = 0;
        for (Map.Entry<Integer, Long> bin : bins.entrySet()) {
            out.varint(bin.getKey() - previous).varint(bin.getValue());
            previous = bin.getKey();
        }
    }

    private static long readBins(Codec.Reader in, TreeMap<Integer, Long> bins) {
        long size = in.varint();
        long total = 0;
        long index = 0;
        for (long i = 0; i < size; i++) {
            index += in.varint();
            long n = in.varint();
            bins.put((int) index, n);
            total += n;
        }
        return total;
    }
}
