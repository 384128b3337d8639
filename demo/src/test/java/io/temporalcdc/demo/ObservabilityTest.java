package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObservabilityTest {
    @Test
    void shouldFindTheMetricsOfAnExpressionAndNothingElse() {
        assertThat(ObservabilityIT.metricNames(
                        "sum by (job) (increase(a_total{job=~\"x|y\"}[10m]) or rate(b_seconds_sum[1m])) > 0"
                                + " and max without (instance) (c_max) / on (job) group_left d == 0 unless up"))
                .containsExactly("a_total", "b_seconds_sum", "c_max", "d", "up");
    }

    @Test
    void shouldReadMetricNamesOfAScrape() {
        assertThat(ObservabilityIT.scraped("# HELP x_total x\n# TYPE x_total counter\nx_total{a=\"1\"} 2.0\nyy 3\n"))
                .containsExactly("x_total", "yy");
    }
}
