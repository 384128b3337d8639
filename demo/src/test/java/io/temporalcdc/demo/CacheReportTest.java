package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalDouble;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CacheReportTest {

    private static final Latency LATENCY = new Latency(OptionalDouble.of(0.0121), OptionalDouble.of(0.0804));

    @Test
    void shouldSummariseChecksReadsFillsAndLatencyOnOneLine() {
        CacheReport report = new CacheReport(1234, List.of(), 5678, 3464, 890, 3, LATENCY);

        assertThat(report.line())
                .isEqualTo("cache: 1234 keys checked, 0 stale, 5678 reads (61% hits), 890 fills (3 refused by a fence);"
                        + " commit->invalidated p50 12 ms, p99 80 ms");
        assertThat(report.isClean()).isTrue();
    }

    @Test
    void shouldNotBeCleanWithAStaleKeyAndNameAtMostFive() {
        List<String> stale = IntStream.range(0, 7)
                .mapToObj(i -> "wf_meta:ns:wf-" + i + ": cached absent, database executions=...")
                .toList();
        CacheReport report = new CacheReport(40, stale, 100, 50, 50, 0, LATENCY);

        assertThat(report.isClean()).isFalse();
        assertThat(report.line()).startsWith("cache: 40 keys checked, 7 stale,");
        assertThat(report.named()).hasSize(CacheReport.NAMED).containsExactlyElementsOf(stale.subList(0, 5));
    }

    @Test
    void shouldShowNoReadsAndAnUnknownLatencyPlainly() {
        CacheReport report = new CacheReport(0, List.of(), 0, 0, 0, 0, Latency.UNKNOWN);

        assertThat(report.line())
                .isEqualTo("cache: 0 keys checked, 0 stale, 0 reads (0% hits), 0 fills (0 refused by a fence);"
                        + " commit->invalidated p50 ?, p99 ?");
    }

    @Test
    void shouldWriteAWorkflowWithoutRowsAsAbsentAndOtherwiseEveryTable() {
        assertThat(CachedKey.workflowMetaValue(null, null, 0, 0, null)).isEqualTo(CachedKey.ABSENT);
        assertThat(CachedKey.workflowMetaValue("run-1 7 3", "run-1 1 1", 2, 1, null))
                .isEqualTo("executions=run-1 7 3;current=run-1 1 1;activities=2;timers=1;visibility=-");
        assertThat(CachedKey.workflowMetaValue(null, "run-1 3 2", 0, 0, null)).isNotEqualTo(CachedKey.ABSENT);
    }
}
