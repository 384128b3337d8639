package io.temporalcdc.demo;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * The pipeline's state at one moment, as the demo shows it.
 *
 * @param rowsChanged rows the generator changed so far
 * @param consumerLag records the indexer's and the invalidator's consumer groups have not committed, empty when
 *     unknown
 * @param slotLagBytes WAL bytes the replication slot has not confirmed, empty when unknown
 * @param documentsIndexed documents the indexer wrote (its counter), empty when unknown
 * @param indexed commit → indexed latency (the indexer's)
 * @param invalidated commit → invalidated latency (the invalidator's: the Redis key gone and fenced)
 */
record ProgressSnapshot(
        long rowsChanged,
        OptionalLong consumerLag,
        OptionalLong slotLagBytes,
        OptionalLong documentsIndexed,
        Latency indexed,
        Latency invalidated) {

    String describe() {
        return String.format(
                Locale.ROOT,
                "rows changed %d | kafka lag %s | slot lag %s | indexed %s | commit->indexed %s | commit->invalidated %s",
                rowsChanged,
                count(consumerLag),
                bytes(slotLagBytes),
                count(documentsIndexed),
                indexed.describe(),
                invalidated.describe());
    }

    private static String count(OptionalLong value) {
        return value.isPresent() ? Long.toString(value.getAsLong()) : "?";
    }

    private static String bytes(OptionalLong value) {
        if (value.isEmpty()) {
            return "?";
        }
        long b = value.getAsLong();
        return b < 10_240 ? b + " B" : String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
    }
}
