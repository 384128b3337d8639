package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.temporalcdc.runtime.Codec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationSketchTest {
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final double ABSOLUTE_SLACK = 1e-6;

    /** PostgreSQL's {@code percentile_cont} over exact values: linear interpolation at rank q·(n−1). */
    private static Double exactPercentileCont(List<Long> micros, double q) {
        if (micros.isEmpty()) {
            return null;
        }
        List<Double> seconds =
                new ArrayList<>(micros.stream().map(v -> v / 1_000_000.0).toList());
        Collections.sort(seconds);
        double rank = q * (seconds.size() - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        return seconds.get(lo) + (rank - lo) * (seconds.get(hi) - seconds.get(lo));
    }

    /** Zeros, a few negatives, and a log-uniform spread from 1 µs to 30 days. */
    private static long randomDuration(Random random) {
        int kind = random.nextInt(100);
        if (kind < 5) {
            return 0;
        }
        long magnitude = (long) Math.exp(random.nextDouble() * Math.log(30.0 * MICROS_PER_DAY));
        return kind < 8 ? -Math.max(1, magnitude) : Math.max(1, magnitude);
    }

    private static void assertWithinSketchAccuracy(Double actual, Double exact) {
        assertThat(actual).isNotNull();
        assertThat(actual)
                .isCloseTo(exact, within(DurationSketch.RELATIVE_ACCURACY * Math.abs(exact) + ABSOLUTE_SLACK));
    }

    @ParameterizedTest
    @ValueSource(longs = {1L, 7L, 42L, 2026L, 99_991L})
    void shouldAnswerPercentileContWithinTheRelativeAccuracyAfterAddsAndRemoves(long seed) {
        Random random = new Random(seed);
        DurationSketch sketch = new DurationSketch();
        List<Long> kept = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            long value = randomDuration(random);
            sketch.add(value);
            kept.add(value);
        }
        Collections.shuffle(kept, random);
        for (int i = 0; i < 1_000; i++) {
            sketch.remove(kept.remove(kept.size() - 1));
        }

        assertThat(sketch.count()).isEqualTo(kept.size());
        for (double q : new double[] {0.5, 0.95, 0.0, 1.0, 0.25, 0.99}) {
            assertWithinSketchAccuracy(sketch.percentileCont(q), exactPercentileCont(kept, q));
        }
    }

    @Test
    void shouldInterpolateBetweenTwoValuesAsPostgresDoes() {
        DurationSketch sketch = new DurationSketch();
        sketch.add(10_000_000L);
        sketch.add(20_000_000L);

        // percentile_cont(0.5) of {10 s, 20 s} is 15 s; (0.95) is 10 + 0.95 · 10 = 19.5 s
        assertWithinSketchAccuracy(sketch.percentileCont(0.5), 15.0);
        assertWithinSketchAccuracy(sketch.percentileCont(0.95), 19.5);
        assertThat(sketch.buckets()).isEqualTo(2);
    }

    @Test
    void shouldKeepZerosExactAndOrderNegativesBeforeThem() {
        DurationSketch sketch = new DurationSketch();
        sketch.add(0);
        sketch.add(0);
        sketch.add(-5_000_000L);

        assertThat(sketch.percentileCont(0.5)).isEqualTo(0.0);
        assertThat(sketch.percentileCont(1.0)).isEqualTo(0.0);
        assertWithinSketchAccuracy(sketch.percentileCont(0.0), -5.0);
        assertThat(sketch.buckets()).isEqualTo(2);
    }

    @Test
    void shouldBeEmptyAgainOnceEveryValueIsRemoved() {
        Random random = new Random(3);
        DurationSketch sketch = new DurationSketch();
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            values.add(randomDuration(random));
        }
        values.forEach(sketch::add);
        assertThat(sketch.percentileCont(0.5)).isNotNull();

        Collections.shuffle(values, random);
        values.forEach(sketch::remove);

        assertThat(sketch.count()).isZero();
        assertThat(sketch.buckets()).isZero();
        assertThat(sketch.percentileCont(0.5)).isNull();
        assertThat(sketch.percentileCont(0.95)).isNull();
    }

    @Test
    void shouldRoundTripThroughTheCodec() {
        Random random = new Random(11);
        DurationSketch sketch = new DurationSketch();
        for (int i = 0; i < 1_000; i++) {
            sketch.add(randomDuration(random));
        }

        Codec.Writer out = new Codec.Writer(7);
        sketch.write(out);
        DurationSketch read = DurationSketch.read(new Codec.Reader(out.bytes(), 7, "a test sketch"));

        assertThat(read.count()).isEqualTo(1_000);
        assertThat(read.buckets()).isEqualTo(sketch.buckets());
        for (double q : new double[] {0.0, 0.05, 0.5, 0.95, 1.0}) {
            assertThat(read.percentileCont(q)).isEqualTo(sketch.percentileCont(q));
        }
        Codec.Writer again = new Codec.Writer(7);
        read.write(again);
        assertThat(again.bytes()).isEqualTo(out.bytes());
    }

    @Test
    void shouldRoundTripAnEmptySketch() {
        Codec.Writer out = new Codec.Writer(1);
        new DurationSketch().write(out);

        DurationSketch read = DurationSketch.read(new Codec.Reader(out.bytes(), 1, "an empty sketch"));

        assertThat(read.count()).isZero();
        assertThat(read.percentileCont(0.5)).isNull();
    }

    @Test
    void shouldRefuseToRemoveAValueNeverAdded() {
        DurationSketch sketch = new DurationSketch();
        sketch.add(5_000_000L);

        assertThatThrownBy(() -> sketch.remove(7L * MICROS_PER_DAY)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> sketch.remove(-5_000_000L)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new DurationSketch().remove(0)).isInstanceOf(IllegalStateException.class);
        assertThat(sketch.count()).isEqualTo(1);
        assertWithinSketchAccuracy(sketch.percentileCont(0.5), 5.0);
    }

    @Test
    void shouldMergeAnotherSketchAsIfItsValuesWereAddedOneByOne() {
        Random random = new Random(5);
        DurationSketch left = new DurationSketch();
        DurationSketch right = new DurationSketch();
        DurationSketch all = new DurationSketch();
        List<Long> values = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long value = randomDuration(random);
            (i % 3 == 0 ? left : right).add(value);
            all.add(value);
            values.add(value);
        }

        left.addAll(right);

        assertThat(left.count()).isEqualTo(2_000);
        assertThat(left.buckets()).isEqualTo(all.buckets());
        for (double q : new double[] {0.5, 0.95}) {
            assertThat(left.percentileCont(q)).isEqualTo(all.percentileCont(q));
            assertWithinSketchAccuracy(left.percentileCont(q), exactPercentileCont(values, q));
        }
        assertThat(right.count()).isEqualTo(2_000 - 667);
    }
}
