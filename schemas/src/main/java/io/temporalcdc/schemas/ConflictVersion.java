package io.temporalcdc.schemas;

import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The version that decides between two regions' states of one workflow execution, Temporal's rule first: the higher
 * {@code last_write_version} (the failover version of the cluster that wrote it) wins, then the higher {@code
 * db_record_version} (the row's write counter), then, for equal versions, the region whose name is greater in byte
 * order. The order is a function of the states alone, so every region picks the same winner whatever order the
 * states arrived in.
 *
 * <p>Text form ({@link #text()}), as the cache's Lua scripts compare it: 16 hex digits of each version with its sign
 * bit flipped (so that the digits' order is the numbers' order, Temporal's {@code EmptyVersion} of -24 included), then
 * the region: {@code 8000000000000002800000000000000bus-east-1}. Runtime's {@code RowColumns.conflictVersion} reads
 * one from a row image; the cache's readers build one from the row they read.
 *
 * @param lastWriteVersion the row's {@code last_write_version}
 * @param dbRecordVersion the row's {@code db_record_version}
 * @param region the region whose database the state was captured in (cdc-source's {@code region})
 */
public record ConflictVersion(long lastWriteVersion, long dbRecordVersion, String region)
        implements Comparable<ConflictVersion> {
    /** The column that orders first. */
    public static final String LAST_WRITE_VERSION = "last_write_version";
    /** The column that orders second. */
    public static final String DB_RECORD_VERSION = "db_record_version";

    private static final Pattern REGION = Pattern.compile("[a-zA-Z0-9_-]{0,64}");
    private static final Comparator<ConflictVersion> ORDER = Comparator.comparingLong(ConflictVersion::lastWriteVersion)
            .thenComparingLong(ConflictVersion::dbRecordVersion)
            .thenComparing(ConflictVersion::region);

    public ConflictVersion {
        Objects.requireNonNull(region, "region");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("not a region name: " + region);
        }
    }

    /** @return the text form: sortable hex digits of both versions, then the region */
    public String text() {
        return hex(lastWriteVersion) + hex(dbRecordVersion) + region;
    }

    /** @return the version {@link #text()} wrote */
    public static ConflictVersion parse(String text) {
        if (text == null || text.length() < 32) {
            throw new IllegalArgumentException("not a conflict version: " + text);
        }
        try {
            return new ConflictVersion(unhex(text.substring(0, 16)), unhex(text.substring(16, 32)), text.substring(32));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a conflict version: " + text, e);
        }
    }

    /** Whether this state wins over {@code other} (null: nothing to win over). */
    public boolean winsOver(ConflictVersion other) {
        return other == null || compareTo(other) > 0;
    }

    @Override
    public int compareTo(ConflictVersion other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return "last_write_version " + lastWriteVersion + ", db_record_version " + dbRecordVersion + ", region "
                + (region.isEmpty() ? "(local)" : region);
    }

    private static String hex(long value) {
        return HexFormat.of().toHexDigits(value ^ Long.MIN_VALUE);
    }

    private static long unhex(String digits) {
        if (!digits.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
            throw new IllegalArgumentException("not 16 lowercase hex digits: " + digits);
        }
        return HexFormat.fromHexDigitsToLong(digits) ^ Long.MIN_VALUE;
    }
}
