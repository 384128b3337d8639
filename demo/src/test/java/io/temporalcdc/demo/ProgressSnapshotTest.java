package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ProgressSnapshotTest {

    private static final String METRICS = """
            # TYPE cache_invalidator_commit_to_invalidated_seconds summary
            cache_invalidator_commit_to_invalidated_seconds{quantile="0.5"} 0.0124
            cache_invalidator_commit_to_invalidated_seconds{quantile="0.99"} 0.0801
            cache_invalidator_commit_to_invalidated_seconds_count 120
            """;

    @Test
    void shouldReadTheMedianAndThe99thPercentileOfASummary() {
        Latency latency = Latency.of(METRICS, "cache_invalidator_commit_to_invalidated_seconds");

        assertThat(latency.p50Seconds()).hasValue(0.0124);
        assertThat(latency.p99Seconds()).hasValue(0.0801);
        assertThat(latency.isKnown()).isTrue();
        assertThat(latency.describe()).isEqualTo("p50 12 ms p99 80 ms");
    }

    @Test
    void shouldShowAnUnknownLatencyAsAQuestionMark() {
        Latency latency = Latency.of(METRICS, "visibility_indexer_commit_to_indexed_seconds");

        assertThat(latency.isKnown()).isFalse();
        assertThat(latency.describe()).isEqualTo("p50 ? p99 ?");
    }

    @Test
    void shouldShowTheIndexersAndTheInvalidatorsLatencySideBySide() {
        ProgressSnapshot snapshot = new ProgressSnapshot(
                1500,
                OptionalLong.of(12),
                OptionalLong.of(20_480),
                OptionalLong.empty(),
                new Latency(OptionalDouble.of(0.2), OptionalDouble.of(0.9)),
                new Latency(OptionalDouble.of(0.012), OptionalDouble.empty()));

        assertThat(snapshot.describe())
                .isEqualTo("rows changed 1500 | kafka lag 12 | slot lag 20.0 KiB | indexed ?"
                        + " | commit->indexed p50 200 ms p99 900 ms | commit->invalidated p50 12 ms p99 ?");
    }
}
