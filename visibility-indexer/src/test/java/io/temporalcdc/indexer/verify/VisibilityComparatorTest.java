package io.temporalcdc.indexer.verify;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VisibilityComparatorTest {

    private static final String ROW = "{\"WorkflowId\":\"wf-1\",\"RunId\":\"r1\",\"ExecutionStatus\":2,"
            + "\"CloseTime\":\"2026-01-02T03:04:05.123456Z\",\"SearchAttributes\":{\"CustomDoubleField\":1.50}}";

    @Test
    void shouldCountAnEqualDocumentAsMatching() throws Exception {
        String indexed = ROW.replace("1.50", "1.5");

        ComparisonReport report =
                VisibilityComparator.compare(Map.of("wf-1~r1", json(ROW)), Map.of("wf-1~r1", json(indexed)));

        assertThat(report.isClean()).isTrue();
        assertThat(report.matching()).isEqualTo(1);
    }

    @Test
    void shouldListEveryDifferingFieldWithBothValues() throws Exception {
        String indexed = "{\"WorkflowId\":\"wf-1\",\"RunId\":\"r1\",\"ExecutionStatus\":1,"
                + "\"SearchAttributes\":{\"CustomDoubleField\":1.5},\"HistoryLength\":3}";

        ComparisonReport report =
                VisibilityComparator.compare(Map.of("wf-1~r1", json(ROW)), Map.of("wf-1~r1", json(indexed)));

        assertThat(report.isClean()).isFalse();
        assertThat(report.matching()).isZero();
        assertThat(report.mismatches())
                .extracting(ComparisonReport.FieldMismatch::field)
                .containsExactly("CloseTime", "ExecutionStatus", "HistoryLength");
        assertThat(report.mismatches().get(1).toString()).isEqualTo("wf-1~r1 ExecutionStatus: expected 2, indexed 1");
        assertThat(report.mismatchedRows()).isEqualTo(1);
    }

    @Test
    void shouldReportMissingAndExtraDocuments() throws Exception {
        ComparisonReport report = VisibilityComparator.compare(
                Map.of("wf-1~r1", json(ROW)), Map.of("wf-9~r9", json("{\"WorkflowId\":\"wf-9\"}")));

        assertThat(report.missing()).containsExactly("wf-1~r1");
        assertThat(report.extra()).containsExactly("wf-9~r9");
        assertThat(report.summary().get(0))
                .contains("1 rows, 1 documents, 0 matching", "1 missing, 1 extra", "DIFFERENT");
    }

    private static ObjectNode json(String text) throws Exception {
        return (ObjectNode) VisibilityComparator.MAPPER.readTree(text);
    }
}
