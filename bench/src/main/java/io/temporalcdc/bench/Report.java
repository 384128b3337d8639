package io.temporalcdc.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The benchmark report: one table row per figure, the ceiling beneath it and their ratio, plus notes. */
final class Report {
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final String header;

    Report(long records, int burst, int rate, int duration) {
        this.header = "# temporal-cdc benchmark\n\n" + Instant.now() + " on "
                + Runtime.getRuntime().availableProcessors()
                + " cores, " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB max heap for the bench itself; the whole"
                + " stack (PostgreSQL, Kafka, Elasticsearch, the apps) runs on this machine.\n\nParameters: "
                + records + " pre-filled change records, a burst of " + burst + " rows in one transaction, "
                + rate + " visibility changes/s for " + duration + " s.\n\n";
    }

    /** A measured figure next to its ceiling; the ratio is figure / ceiling (higher is better). */
    void row(String scenario, String figure, String ceiling, double ratio, String goal) {
        rows.add("| " + scenario + " | " + figure + " | " + ceiling + " | "
                + (Double.isNaN(ratio) ? "" : String.format("%.2f×", ratio)) + " | " + goal + " |");
    }

    void note(String text) {
        notes.add(text);
    }

    String markdown() {
        StringBuilder md = new StringBuilder(header);
        md.append("| scenario | measured | ceiling (same run, same node) | ratio | goal |\n");
        md.append("| --- | --- | --- | --- | --- |\n");
        rows.forEach(row -> md.append(row).append('\n'));
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(note -> md.append("- ").append(note).append('\n'));
        }
        return md.toString();
    }
}
