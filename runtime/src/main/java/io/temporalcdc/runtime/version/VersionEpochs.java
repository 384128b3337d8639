package io.temporalcdc.runtime.version;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.config.ConfigException;

/**
 * The version epochs: instants from which document versions start over above every version before them. An
 * operator adds one when the source database's LSNs went backwards (a point-in-time restore, a move to another
 * cluster): every change committed at or after it (by Debezium's {@code source.ts_ms}, which for snapshot reads is
 * the time of the snapshot) outranks every change before it, whatever the LSNs say. Deterministic, so a replay from
 * any offset assigns the same versions again.
 */
public final class VersionEpochs {
    /** Bits an epoch number takes in a version that packs it (the indexer's document versions). */
    public static final int EPOCH_BITS = 5;
    /** At most this many boundaries (epoch numbers 0 … 31). */
    public static final int MAX_BOUNDARIES = (1 << EPOCH_BITS) - 1;

    private final long[] startsMs;

    /** @param starts the boundaries, in increasing order */
    public VersionEpochs(List<Instant> starts) {
        if (starts.size() > MAX_BOUNDARIES) {
            throw new IllegalArgumentException("at most " + MAX_BOUNDARIES + " version epochs, got " + starts.size());
        }
        List<Instant> sorted = new ArrayList<>(starts);
        sorted.sort(null);
        if (!sorted.equals(starts)) {
            throw new IllegalArgumentException("version epochs must be listed in increasing order: " + starts);
        }
        this.startsMs = starts.stream().mapToLong(Instant::toEpochMilli).toArray();
    }

    /**
     * Parses the boundaries as configured: ISO-8601 instants, blanks ignored.
     *
     * @throws IllegalArgumentException naming what is wrong (not an instant, out of order, too many)
     */
    public static VersionEpochs parse(List<String> instants) {
        try {
            return new VersionEpochs(instants.stream()
                    .map(String::trim)
                    .filter(text -> !text.isEmpty())
                    .map(Instant::parse)
                    .toList());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Validates a {@code version.epoch.starts} setting (a list of instants), for a {@code ConfigDef} validator.
     *
     * @throws ConfigException naming the setting and what is wrong
     */
    public static void validateSetting(String name, Object value) {
        try {
            parse(
                    value instanceof List<?> list
                            ? list.stream().map(String::valueOf).toList()
                            : List.of());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, value, e.getMessage());
        }
    }

    /** No boundaries: every change is in epoch 0. */
    public static VersionEpochs none() {
        return new VersionEpochs(List.of());
    }

    /** @return the epoch of a change committed at {@code sourceTsMs}: how many boundaries are at or before it */
    public int epochOf(long sourceTsMs) {
        int epoch = 0;
        while (epoch < startsMs.length && startsMs[epoch] <= sourceTsMs) {
            epoch++;
        }
        return epoch;
    }
}
