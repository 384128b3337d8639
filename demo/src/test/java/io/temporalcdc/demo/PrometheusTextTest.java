package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private static final String TEXT = """
            # HELP visibility_indexer_documents_indexed_total Documents written
            # TYPE visibility_indexer_documents_indexed_total counter
            visibility_indexer_documents_indexed_total{op="index"} 120.0
            visibility_indexer_documents_indexed_total{op="delete"} 5.0
            visibility_indexer_documents_indexed_totally_different 99.0
            # TYPE visibility_indexer_commit_to_indexed_seconds summary
            visibility_indexer_commit_to_indexed_seconds{quantile="0.5"} 0.125
            visibility_indexer_commit_to_indexed_seconds{quantile="0.99"} 0.75
            visibility_indexer_commit_to_indexed_seconds_count 125.0
            visibility_indexer_commit_to_indexed_seconds_sum 20.0
            plain_gauge 3.0
            """;

    @Test
    void shouldSumEveryLabelSetOfACounter() {
        assertThat(PrometheusText.sum(TEXT, "visibility_indexer_documents_indexed_total"))
                .hasValue(125.0);
    }

    @Test
    void shouldReadASampleWithoutLabels() {
        assertThat(PrometheusText.sum(TEXT, "plain_gauge")).hasValue(3.0);
    }

    @Test
    void shouldReadQuantiles() {
        assertThat(PrometheusText.quantile(TEXT, "visibility_indexer_commit_to_indexed_seconds", "0.5"))
                .hasValue(0.125);
        assertThat(PrometheusText.quantile(TEXT, "visibility_indexer_commit_to_indexed_seconds", "0.99"))
                .hasValue(0.75);
    }

    @Test
    void shouldBeEmptyForAnAbsentMetric() {
        assertThat(PrometheusText.sum(TEXT, "cdc_source_records_sent_total")).isEmpty();
        assertThat(PrometheusText.quantile("", "visibility_indexer_commit_to_indexed_seconds", "0.5"))
                .isEmpty();
    }
}
