package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GroupMetricsTest {
    private static final long START = 1_780_000_000_000_000L;

    private static RunRow run(int status, Long durationMicros) {
        return new RunRow("ns", "t", START, durationMicros == null ? null : START + durationMicros, status);
    }

    @Test
    void shouldTakeBackOnlyARunItCounted() {
        GroupMetrics group = new GroupMetrics();
        RunRow completed = run(2, 90_000_000L);
        assertThat(group.canTakeBack(completed)).as("empty").isFalse();

        group.apply(completed, 1);

        assertThat(group.canTakeBack(completed)).isTrue();
        assertThat(group.canTakeBack(run(3, 90_000_000L))).as("another status").isFalse();
        assertThat(group.canTakeBack(run(2, 5_000_000_000L)))
                .as("another duration's bucket")
                .isFalse();
        assertThat(group.canTakeBack(run(1, null))).as("a running one").isFalse();
        group.apply(completed, -1);
        assertThat(group.isEmpty()).isTrue();
        assertThat(group.avgDurationSeconds()).isNull();
    }

    @Test
    void shouldKeepTheAverageExactAndRoundTripThroughItsEncoding() {
        GroupMetrics group = new GroupMetrics();
        group.apply(run(2, 1_000_001L), 1);
        group.apply(run(3, 2_000_002L), 1);
        group.apply(run(1, null), 1);

        GroupMetrics decoded = GroupMetrics.decode(group.encode());

        assertThat(decoded.total()).isEqualTo(3);
        assertThat(decoded.count(1)).isEqualTo(1);
        assertThat(decoded.avgDurationSeconds()).isEqualTo(1.5000015);
        assertThat(decoded.toJson("ns", "t", java.time.LocalDate.of(2026, 5, 28)))
                .isEqualTo(group.toJson("ns", "t", java.time.LocalDate.of(2026, 5, 28)));
    }
}
