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
 *   <li><b>count per namespace</b>: the table is counted before and after each count of the index; it passes when
 *       every namespace's index count is within the range of the table's counts over the last {@link #WINDOW} (the
 *       index follows the table with the pipeline's latency: under steady inserts its count is one the table had a
 *       moment ago; with the table quiet the check is exact), and is retried until it does or the time-out ends;
 *   <li><b>a sample, field by field</b>: {@code sample} random rows; a row whose document differs is compared again
 *       until it matches once (a change in flight) or the time-out ends (a real difference).
 * </ul>
 */
public final class Verification {
    private static final Duration PAUSE = Duration.ofSeconds(1);
    /**
     * How far back a table count may be for an index count to match it: the index follows the table with the
     * pipeline's latency, so under a stream of inserts its count is one the table had moments ago.
     */
    static final Duration WINDOW = Duration.ofSeconds(5);

    /** The verdict. */
    public record Result(boolean passed, String summary, List<String> problems) {}

    private final String jdbcUrl;
    private final String index;
    private final int sample;
    private final Duration timeout;
    private final PrintStream out;
    private final IndexedDocuments indexed;

    /** @param credentials Elasticsearch user and password, or nulls */
    public Verification(
            String jdbcUrl,
            String elasticsearchUrl,
            String[] credentials,
            String index,
            int sample,
            Duration timeout,
            PrintStream out) {
        this.jdbcUrl = jdbcUrl;
        this.index = index;
        this.sample = sample;
        this.timeout = timeout;
        this.out = out;
        this.indexed =
                new IndexedDocuments(elasticsearchUrl, VisibilityComparator.MAPPER, credentials[0], credentials[1]);
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
        java.util.ArrayDeque<Counted> history = new java.util.ArrayDeque<>();
        while (true) {
            history.addLast(new Counted(System.nanoTime(), table.countsByNamespace()));
            Map<String, Long> inIndex = indexed.countsByNamespace(index);
            Map<String, Long> after = table.countsByNamespace();
            history.addLast(new Counted(System.nanoTime(), after));
            while (history.size() > 2 && history.peekFirst().nanos() < System.nanoTime() - WINDOW.toNanos()) {
                history.removeFirst();
            }
            List<String> differences =
                    countDifferences(history.stream().map(Counted::counts).toList(), inIndex);
            if (differences.isEmpty()) {
                long rows = after.values().stream().mapToLong(Long::longValue).sum();
                return String.format("%,d rows in %d namespaces counted alike", rows, after.size());
            }
            if (System.nanoTime() > deadline) {
                problems.addAll(differences);
                return "counts differ";
            }
            Thread.sleep(PAUSE.toMillis());
        }
    }

    private record Counted(long nanos, Map<String, Long> counts) {}

    /**
     * @param table the table's counts per namespace over the last {@link #WINDOW}, oldest first
     * @return one line per namespace whose index count lies outside every count the table had in that window
     */
    static List<String> countDifferences(List<Map<String, Long>> table, Map<String, Long> inIndex) {
        Set<String> namespaces = new TreeSet<>(inIndex.keySet());
        table.forEach(counts -> namespaces.addAll(counts.keySet()));
        List<String> differences = new ArrayList<>();
        for (String namespace : namespaces) {
            long low = Long.MAX_VALUE;
            long high = Long.MIN_VALUE;
            for (Map<String, Long> counts : table) {
                long count = counts.getOrDefault(namespace, 0L);
                low = Math.min(low, count);
                high = Math.max(high, count);
            }
            long got = inIndex.getOrDefault(namespace, 0L);
            if (got < low || got > high) {
                long now = table.get(table.size() - 1).getOrDefault(namespace, 0L);
                differences.add("namespace " + namespace + ": " + got + " documents, " + now + " rows");
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
