package io.temporalcdc.demo;

import java.util.Locale;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The pipeline's state at one moment, as the demo shows it.
 *
 * @param rowsChanged rows the generator changed so far
 * @param consumerLag the indexer group's lag on the visibility topic (records), empty when unknown
 * @param slotLagBytes WAL bytes the replication slot has not confirmed, empty when unknown
 * @param documentsIndexed documents the indexer wrote (its counter), empty when unknown
 * @param p50Seconds commit → indexed latency, median
 * @param p99Seconds commit → indexed latency, 99th percentile
 */
record ProgressSnapshot(
        long rowsChanged,
        OptionalLong consumerLag,
        OptionalLong slotLagBytes,
        OptionalLong documentsIndexed,
        OptionalDouble p50Seconds,
        OptionalDouble p99Seconds) {

    String describe() {
        return String.format(
                Locale.ROOT,
                "rows changed %d | kafka lag %s | slot lag %s | indexed %s | commit->indexed p50 %s p99 %s",
                rowsChanged,
                count(consumerLag),
                bytes(slotLagBytes),
                count(documentsIndexed),
                millis(p50Seconds),
                millis(p99Seconds));
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

    private static String millis(OptionalDouble seconds) {
        return seconds.isPresent() ? String.format(Locale.ROOT, "%.0f ms", seconds.getAsDouble() * 1000) : "?";
    }
}
