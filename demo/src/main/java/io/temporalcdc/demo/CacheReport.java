package io.temporalcdc.demo;

import java.util.List;
import java.util.Locale;

/**
 * What the demo's cache readers did, and the stale check after the drain: every key they read that is still cached,
 * compared with what PostgreSQL holds.
 *
 * @param keysChecked keys the readers read that were still cached after the drain, each compared with the database
 * @param stale those whose cached value differs from the database, described ({@code key: cached X, database Y})
 * @param reads reads through the cache
 * @param hits reads the cache answered
 * @param fills values read from the database on a miss and offered to the cache
 * @param refused fills a fence refused (an invalidation newer than the read)
 * @param invalidated the invalidator's commit → invalidated latency during the workload
 */
record CacheReport(
        int keysChecked, List<String> stale, long reads, long hits, long fills, long refused, Latency invalidated) {

    /** How many stale keys the log names. */
    static final int NAMED = 5;

    CacheReport {
        stale = List.copyOf(stale);
    }

    /** True when no cached value differs from the database. */
    boolean isClean() {
        return stale.isEmpty();
    }

    /** The summary line, e.g. {@code cache: 1234 keys checked, 0 stale, 5678 reads (61% hits), 890 fills (3 ...)}. */
    String line() {
        return String.format(
                Locale.ROOT,
                "cache: %d keys checked, %d stale, %d reads (%d%% hits), %d fills (%d refused by a fence);"
                        + " commit->invalidated p50 %s, p99 %s",
                keysChecked,
                stale.size(),
                reads,
                reads == 0 ? 0 : Math.round(100.0 * hits / reads),
                fills,
                refused,
                Latency.millis(invalidated.p50Seconds()),
                Latency.millis(invalidated.p99Seconds()));
    }

    /** The first {@link #NAMED} stale keys, for the log. */
    List<String> named() {
        return stale.stream().limit(NAMED).toList();
    }
}
