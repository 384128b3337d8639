package io.temporalcdc.indexer.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of comparing every visibility row with its Elasticsearch document.
 *
 * @param rows visibility rows in PostgreSQL
 * @param documents documents behind the alias
 * @param matching rows whose document equals the expected one field by field
 * @param mismatches differing fields of rows that have a document
 * @param missing ids of rows without a document
 * @param extra ids of documents without a row
 */
public record ComparisonReport(
        int rows,
        int documents,
        int matching,
        List<FieldMismatch> mismatches,
        List<String> missing,
        List<String> extra) {

    private static final int LISTED = 20;

    public ComparisonReport {
        mismatches = List.copyOf(mismatches);
        missing = List.copyOf(missing);
        extra = List.copyOf(extra);
    }

    /** One field of one document that differs from what its row says. */
    public record FieldMismatch(String documentId, String field, JsonNode expected, JsonNode actual) {
        @Override
        public String toString() {
            return documentId + " " + field + ": expected " + expected + ", indexed " + actual;
        }
    }

    /** True when every row has an equal document and there is no other document. */
    public boolean isClean() {
        return mismatches.isEmpty() && missing.isEmpty() && extra.isEmpty();
    }

    /** The number of rows whose document differs in at least one field. */
    public long mismatchedRows() {
        return mismatches.stream().map(FieldMismatch::documentId).distinct().count();
    }

    /** A human-readable summary; lists the first differences of each kind. */
    public List<String> summary() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                "Comparison: %d rows, %d documents, %d matching, %d mismatched, %d missing, %d extra -> %s",
                rows,
                documents,
                matching,
                mismatchedRows(),
                missing.size(),
                extra.size(),
                isClean() ? "CLEAN" : "DIFFERENT"));
        mismatches.stream().limit(LISTED).forEach(m -> lines.add("  mismatch " + m));
        missing.stream().limit(LISTED).forEach(id -> lines.add("  missing document " + id));
        extra.stream().limit(LISTED).forEach(id -> lines.add("  extra document " + id));
        int more = Math.max(0, mismatches.size() - LISTED)
                + Math.max(0, missing.size() - LISTED)
                + Math.max(0, extra.size() - LISTED);
        if (more > 0) {
            lines.add("  ... and " + more + " more");
        }
        return lines;
    }
}
