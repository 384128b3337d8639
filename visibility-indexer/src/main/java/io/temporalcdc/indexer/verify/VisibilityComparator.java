package io.temporalcdc.indexer.verify;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * An independent oracle: compares every row of {@code temporal_visibility.executions} with its
 * Elasticsearch document field by field, the expected document computed in SQL
 * ({@link ExpectedDocuments}), the indexed one read over HTTP ({@link IndexedDocuments}).
 */
public final class VisibilityComparator {

    /** Parses both sides; floats stay exact decimals so that numbers compare by value. */
    public static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private final ExpectedDocuments expected;
    private final IndexedDocuments indexed;
    private final String alias;

    /**
     * @param jdbcUrl the database holding {@code temporal_visibility}
     * @param elasticsearchUrl the cluster
     * @param alias the visibility alias (the indexer's {@code index.prefix})
     */
    public VisibilityComparator(String jdbcUrl, String elasticsearchUrl, String alias) {
        this.expected = new ExpectedDocuments(jdbcUrl, MAPPER);
        this.indexed = new IndexedDocuments(elasticsearchUrl, MAPPER);
        this.alias = alias;
    }

    /** Reads both sides now and compares them. */
    public ComparisonReport compare() throws SQLException, IOException, InterruptedException {
        Map<String, ObjectNode> rows = expected.load();
        Map<String, ObjectNode> documents = indexed.load(alias);
        return compare(rows, documents);
    }

    public static ComparisonReport compare(Map<String, ObjectNode> rows, Map<String, ObjectNode> documents) {
        List<ComparisonReport.FieldMismatch> mismatches = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        int matching = 0;
        for (Map.Entry<String, ObjectNode> row : rows.entrySet()) {
            ObjectNode document = documents.get(row.getKey());
            if (document == null) {
                missing.add(row.getKey());
                continue;
            }
            List<ComparisonReport.FieldMismatch> differences = differences(row.getKey(), row.getValue(), document);
            mismatches.addAll(differences);
            matching += differences.isEmpty() ? 1 : 0;
        }
        List<String> extra =
                documents.keySet().stream().filter(id -> !rows.containsKey(id)).toList();
        return new ComparisonReport(rows.size(), documents.size(), matching, mismatches, missing, extra);
    }

    /** Every top-level field present on either side whose values differ (a field absent on one side differs). */
    public static List<ComparisonReport.FieldMismatch> differences(String id, ObjectNode expected, ObjectNode actual) {
        TreeSet<String> fields = new TreeSet<>();
        expected.fieldNames().forEachRemaining(fields::add);
        actual.fieldNames().forEachRemaining(fields::add);
        List<ComparisonReport.FieldMismatch> differences = new ArrayList<>();
        for (String field : fields) {
            JsonNode want = expected.path(field);
            JsonNode got = actual.path(field);
            boolean same = !want.isMissingNode() && !got.isMissingNode() && JsonTrees.equal(want, got);
            if (!same) {
                differences.add(new ComparisonReport.FieldMismatch(id, field, orAbsent(want), orAbsent(got)));
            }
        }
        return differences;
    }

    private static JsonNode orAbsent(JsonNode node) {
        return node.isMissingNode() ? MAPPER.getNodeFactory().textNode("<absent>") : node;
    }
}
