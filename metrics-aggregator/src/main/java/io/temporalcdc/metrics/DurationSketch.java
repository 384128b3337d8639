package io.temporalcdc.metrics;

import com.datadoghq.sketch.ddsketch.mapping.IndexMapping;
import com.datadoghq.sketch.ddsketch.mapping.LogarithmicMapping;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.schemas.WorkflowMetricsView;
import java.util.Arrays;

/**
 * Durations in a DDSketch (Datadog's {@code sketches-java} index mapping, {@value #RELATIVE_ACCURACY} relative
 * accuracy) that can also take a value back: a value's bucket is decremented, so a run that closes again, moves to
 * another day or is deleted leaves no trace. Buckets are kept sparse, with exact integer counts; zero durations have
 * their own exact counter, negative ones (a close_time before start_time) their own buckets. Buckets are sorted
 * primitive arrays: a day's sketch is decoded, changed and encoded for each run, and holds a few hundred buckets.
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

    private final Bins positive = new Bins();
    private final Bins negative = new Bins();
    private long zeros;
    private long count;

    /** Buckets in ascending index order, with their counts (none zero). */
    private static final class Bins {
        int[] index = new int[8];
        long[] count = new long[8];
        int size;

        int find(int key) {
            return Arrays.binarySearch(index, 0, size, key);
        }

        void bump(int key, long delta) {
            int at = find(key);
            if (at >= 0) {
                long now = count[at] + delta;
                if (now < 0) {
                    throw new IllegalStateException("a duration was taken back that was never added");
                }
                if (now == 0) {
                    System.arraycopy(index, at + 1, index, at, size - at - 1);
                    System.arraycopy(count, at + 1, count, at, size - at - 1);
                    size--;
                } else {
                    count[at] = now;
                }
                return;
            }
            if (delta < 0) {
                throw new IllegalStateException("a duration was taken back that was never added");
            }
            int insert = -at - 1;
            if (size == index.length) {
                index = Arrays.copyOf(index, size * 2);
                count = Arrays.copyOf(count, size * 2);
            }
            System.arraycopy(index, insert, index, insert + 1, size - insert);
            System.arraycopy(count, insert, count, insert + 1, size - insert);
            index[insert] = key;
            count[insert] = delta;
            size++;
        }

        /** Varints: the bucket count, then each bucket as (index − previous index, count). */
        void write(Codec.Writer out) {
            out.varint(size);
            long previous = 0;
            for (int i = 0; i < size; i++) {
                out.varint(index[i] - previous).varint(count[i]);
                previous = index[i];
            }
        }

        long read(Codec.Reader in) {
            int n = (int) in.varint();
            index = new int[Math.max(8, n)];
            count = new long[Math.max(8, n)];
            long total = 0;
            long previous = 0;
            for (int i = 0; i < n; i++) {
                previous += in.varint();
                index[i] = (int) previous;
                count[i] = in.varint();
                total += count[i];
            }
            size = n;
            return total;
        }
    }

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
        for (int i = 0; i < other.positive.size; i++) {
            positive.bump(other.positive.index[i], other.positive.count[i]);
        }
        for (int i = 0; i < other.negative.size; i++) {
            negative.bump(other.negative.index[i], other.negative.count[i]);
        }
        zeros += other.zeros;
        count += other.count;
    }

    /** @return whether the bucket of {@code micros} holds a value (it can be taken back) */
    public boolean holds(long micros) {
        if (micros == 0) {
            return zeros > 0;
        }
        Bins bins = micros > 0 ? positive : negative;
        return bins.find(MAPPING.index(Math.abs(micros) / MICROS_PER_SECOND)) >= 0;
    }

    /** @return how many values the sketch holds */
    public long count() {
        return count;
    }

    /** @return the buckets in use: what the sketch costs in memory */
    public int buckets() {
        return positive.size + negative.size + (zeros > 0 ? 1 : 0);
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
        // the most negative first: the negative buckets by descending index
        for (int i = negative.size - 1; i >= 0; i--) {
            seen += negative.count[i];
            if (seen > rank) {
                return -MAPPING.value(negative.index[i]);
            }
        }
        seen += zeros;
        if (seen > rank) {
            return 0.0;
        }
        for (int i = 0; i < positive.size; i++) {
            seen += positive.count[i];
            if (seen > rank) {
                return MAPPING.value(positive.index[i]);
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
            positive.bump(MAPPING.index(micros / MICROS_PER_SECOND), delta);
        } else {
            negative.bump(MAPPING.index(-micros / MICROS_PER_SECOND), delta);
        }
        count += delta;
    }

    /** Varints: the zero count, then the positive and the negative buckets. */
    void write(Codec.Writer out) {
        out.varint(zeros);
        positive.write(out);
        negative.write(out);
    }

    static DurationSketch read(Codec.Reader in) {
        DurationSketch sketch = new DurationSketch();
        sketch.zeros = in.varint();
        sketch.count = sketch.zeros + sketch.positive.read(in) + sketch.negative.read(in);
        return sketch;
    }
}
