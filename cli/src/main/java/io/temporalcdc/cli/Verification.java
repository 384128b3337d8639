package io.temporalcdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.ExpectedDocuments;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import java.io.PrintStream;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a rebuilt index against {@code temporal_visibility.executions} while rows keep changing, with the demo's
 * oracle ({@link ExpectedDocuments}: the document each row should have, computed by PostgreSQL):
 *
 * <ul>
 *   <li><b>count per namespace</b>: counted in the table, then in the index, then in the table again; it passes when
 *       every namespace's index count lies between its two table counts (rows inserted or deleted meanwhile move
 *       the count one way), and is retried until it does or the time-out ends;
 *   <li><b>a sample, field by field</b>: {@code sample} random rows; a row whose document differs is compared again
 *       until it matches once (a change in flight) or the time-out ends (a real difference).
 * </ul>
 */
public final class Verification {
    private static final Duration PAUSE = Duration.ofSeconds(1);

    /** The verdict. */
    public record Result(boolean passed, String summary, List<String> problems) {}

    private final String jdbcUrl;
    private final String index;
    private final int sample;
    private final Duration timeout;
    private final PrintStream out;
    private final IndexedDocuments indexed;

    public Verification(
            String jdbcUrl, String elasticsearchUrl, String index, int sample, Duration timeout, PrintStream out) {
        this.jdbcUrl = jdbcUrl;
        this.index = index;
        this.sample = sample;
        this.timeout = timeout;
        this.out = out;
        this.indexed = new IndexedDocuments(elasticsearchUrl, VisibilityComparator.MAPPER);
    }

    public Result run() throws Exception {
        out.println("Verifying " + index + " against the table (counts per namespace, " + sample + " sampled rows)");
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> problems = new ArrayList<>();
        String counts = counts(deadline, problems);
        String fields = sampled(deadline, problems);
        return new Result(problems.isEmpty(), counts + "; " + fields, problems);
    }

    private String counts(long deadline, List<String> problems) throws Exception {
        ExpectedDocuments table = new ExpectedDocuments(jdbcUrl, VisibilityComparator.MAPPER);
        List<String> differences = List.of();
        long rows = 0;
        while (true) {
            Map<String, Long> before = table.countsByNamespace();
            Map<String, Long> inIndex = indexed.countsByNamespace(index);
            Map<String, Long> after = table.countsByNamespace();
            differences = countDifferences(before, inIndex, after);
            rows = after.values().stream().mapToLong(Long::longValue).sum();
            if (differences.isEmpty()) {
                return String.format("%,d rows in %d namespaces counted alike", rows, after.size());
            }
            if (System.nanoTime() > deadline) {
                problems.addAll(differences);
                return "counts differ";
            }
            Thread.sleep(PAUSE.toMillis());
        }
    }

    /** @return one line per namespace whose index count is outside its two table counts */
    static List<String> countDifferences(Map<String, Long> before, Map<String, Long> inIndex, Map<String, Long> after) {
        Set<String> namespaces = new TreeSet<>(before.keySet());
        namespaces.addAll(inIndex.keySet());
        namespaces.addAll(after.keySet());
        List<String> differences = new ArrayList<>();
        for (String namespace : namespaces) {
            long first = before.getOrDefault(namespace, 0L);
            long second = after.getOrDefault(namespace, 0L);
            long got = inIndex.getOrDefault(namespace, 0L);
            if (got < Math.min(first, second) || got > Math.max(first, second)) {
                differences.add("namespace " + namespace + ": " + got + " documents, " + second + " rows");
            }
        }
        return differences;
    }

    private String sampled(long deadline, List<String> problems) throws Exception {
        ExpectedDocuments sampler = new ExpectedDocuments(
                jdbcUrl,
                VisibilityComparator.MAPPER,
                "(namespace_id, run_id) IN (SELECT namespace_id, run_id FROM temporal_visibility.executions"
                        + " ORDER BY random() LIMIT " + sample + ")");
        Set<String> pending = new LinkedHashSet<>(load(sampler).keySet());
        int sampled = pending.size();
        ComparisonReport last = null;
        while (!pending.isEmpty()) {
            Map<String, ObjectNode> rows = load(new ExpectedDocuments(
                    jdbcUrl, VisibilityComparator.MAPPER, ExpectedDocuments.documentIds(pending)));
            Map<String, ObjectNode> documents = indexed.load(index, pending);
            last = VisibilityComparator.compare(rows, documents);
            Set<String> different = new LinkedHashSet<>(last.missing());
            last.mismatches().forEach(m -> different.add(m.documentId()));
            // a sampled row deleted since, whose document is still there: its delete is in flight
            different.addAll(last.extra());
            pending.retainAll(different);
            if (pending.isEmpty()) {
                break;
            }
            if (System.nanoTime() > deadline) {
                problems.add(pending.size() + " of " + sampled + " sampled rows differ from their documents: "
                        + String.join("; ", last.summary()));
                return "sample differs";
            }
            Thread.sleep(PAUSE.toMillis());
        }
        return sampled + " sampled rows equal to their documents field by field";
    }

    private static Map<String, ObjectNode> load(ExpectedDocuments documents) throws SQLException {
        return documents.load();
    }
}
