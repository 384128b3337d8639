package io.temporalcdc.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The seed's {@code temporal_visibility.workflow_metrics} view (V5) as rows, and the comparison of the metrics
 * aggregator's answer with it: counts exactly, the average to {@value #AVG_RELATIVE_ERROR} relative, the median and
 * 95th percentile within the aggregator's sketch bound of {@code percentile_cont}.
 */
public final class WorkflowMetricsView {
    /**
     * The relative error the metrics aggregator's median and 95th percentile keep to: its DDSketch's relative
     * accuracy (the aggregator's {@code DurationSketch} is built with this value).
     */
    public static final double SKETCH_BOUND = 0.01;

    /** The average is an exact sum divided by an exact count on both sides: only rounding differs. */
    public static final double AVG_RELATIVE_ERROR = 1e-9;

    private WorkflowMetricsView() {}

    /**
     * One group of the view, or of the aggregator's answer (restricted to the view's columns).
     *
     * @param namespace {@code namespace_id} without its CHAR(n) padding
     * @param avg seconds; null when no run of the group closed (also {@code median} and {@code p95})
     */
    public record Row(
            String namespace,
            String workflowType,
            LocalDate date,
            long total,
            long completed,
            long failed,
            long canceled,
            Double avg,
            Double median,
            Double p95) {
        /** @return {@code namespace/workflowType/date} */
        public String key() {
            return namespace + "/" + workflowType + "/" + date;
        }
    }

    /** The outcome of a comparison: how many groups each side has and what differs. */
    public record Comparison(int viewGroups, int apiGroups, List<String> mismatches) {
        /** @return whether every group matches */
        public boolean matches() {
            return mismatches.isEmpty();
        }
    }

    /** Refreshes the view ({@code REFRESH MATERIALIZED VIEW}) and reads every row of it. */
    public static List<Row> refreshAndRead(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute("REFRESH MATERIALIZED VIEW temporal_visibility.workflow_metrics");
            try (ResultSet rs = statement.executeQuery("SELECT rtrim(namespace_id), workflow_type_name,"
                    + " execution_date, total_executions, completed_executions, failed_executions,"
                    + " canceled_executions, avg_duration_seconds::float8, median_duration_seconds,"
                    + " p95_duration_seconds FROM temporal_visibility.workflow_metrics")) {
                List<Row> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new Row(
                            rs.getString(1),
                            rs.getString(2),
                            rs.getObject(3, LocalDate.class),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getLong(6),
                            rs.getLong(7),
                            (Double) rs.getObject(8),
                            (Double) rs.getObject(9),
                            (Double) rs.getObject(10)));
                }
                return rows;
            }
        }
    }

    /** The rows of the aggregator's {@code GET /workflow-metrics} answer (a JSON array). */
    public static List<Row> fromApi(JsonNode answer) {
        List<Row> rows = new ArrayList<>();
        for (JsonNode row : answer) {
            rows.add(new Row(
                    row.path("namespace").asText(),
                    row.path("workflowType").asText(),
                    LocalDate.parse(row.path("date").asText()),
                    row.path("total").asLong(),
                    row.path("completed").asLong(),
                    row.path("failed").asLong(),
                    row.path("canceled").asLong(),
                    number(row.path("avgDurationSeconds")),
                    number(row.path("medianDurationSeconds")),
                    number(row.path("p95DurationSeconds"))));
        }
        return rows;
    }

    private static Double number(JsonNode node) {
        return node.isNumber() ? node.doubleValue() : null;
    }

    /**
     * Compares every group of both sides.
     *
     * @param sketchBound the relative error allowed for the median and 95th percentile (the sketch's, 0.01)
     */
    public static Comparison compare(List<Row> view, List<Row> api, double sketchBound) {
        Map<String, Row> byKey = new TreeMap<>();
        api.forEach(row -> byKey.put(row.key(), row));
        List<String> mismatches = new ArrayList<>();
        for (Row expected : view) {
            Row actual = byKey.remove(expected.key());
            if (actual == null) {
                mismatches.add(expected.key() + ": in the view, missing from the API");
                continue;
            }
            count(mismatches, expected, "total", expected.total(), actual.total());
            count(mismatches, expected, "completed", expected.completed(), actual.completed());
            count(mismatches, expected, "failed", expected.failed(), actual.failed());
            count(mismatches, expected, "canceled", expected.canceled(), actual.canceled());
            near(mismatches, expected, "avg", expected.avg(), actual.avg(), AVG_RELATIVE_ERROR);
            near(mismatches, expected, "median", expected.median(), actual.median(), sketchBound);
            near(mismatches, expected, "p95", expected.p95(), actual.p95(), sketchBound);
        }
        byKey.keySet().forEach(key -> mismatches.add(key + ": in the API, not in the view"));
        return new Comparison(view.size(), api.size(), List.copyOf(mismatches));
    }

    private static void count(List<String> out, Row row, String what, long expected, long actual) {
        if (expected != actual) {
            out.add(row.key() + ": " + what + " " + actual + ", the view has " + expected);
        }
    }

    private static void near(List<String> out, Row row, String what, Double expected, Double actual, double bound) {
        if (expected == null || actual == null) {
            if (!Objects.equals(expected, actual)) {
                out.add(row.key() + ": " + what + " " + actual + ", the view has " + expected);
            }
            return;
        }
        // relative, with a microsecond of slack for values at or near zero
        if (Math.abs(expected - actual) > bound * Math.abs(expected) + 1e-6) {
            out.add(row.key() + ": " + what + " " + actual + ", the view has " + expected + " (bound " + bound + ")");
        }
    }
}
