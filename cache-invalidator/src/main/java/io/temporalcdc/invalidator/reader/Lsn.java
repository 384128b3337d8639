package io.temporalcdc.invalidator.reader;

import java.util.HexFormat;

/**
 * PostgreSQL log sequence numbers as the cache protocol writes them: a {@code pg_lsn} ({@code 16/B374D848}) is a
 * 64-bit position; in Redis it is 16 lowercase hex digits, zero-padded, so fences and versions compare as numbers in
 * the Lua scripts.
 */
public final class Lsn {
    private Lsn() {}

    /**
     * @param text a {@code pg_lsn} as PostgreSQL prints it, {@code X/Y} in hex
     * @return the position as an unsigned 64-bit number
     * @throws IllegalArgumentException when {@code text} is not a {@code pg_lsn}
     */
    public static long parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash <= 0 || slash == text.length() - 1 || slash > 8 || text.length() - slash - 1 > 8) {
            throw new IllegalArgumentException("not a pg_lsn (X/Y in hex): " + text);
        }
        try {
            long hi = Long.parseLong(text.substring(0, slash), 16);
            long lo = Long.parseLong(text.substring(slash + 1), 16);
            return (hi << 32) | lo;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a pg_lsn (X/Y in hex): " + text, e);
        }
    }

    /** @return {@code lsn} as PostgreSQL prints it, {@code X/Y} */
    public static String format(long lsn) {
        return Long.toHexString(lsn >>> 32).toUpperCase() + "/"
                + Long.toHexString(lsn & 0xFFFF_FFFFL).toUpperCase();
    }

    /** @return {@code lsn} as the scripts take it: 16 lowercase hex digits */
    public static String hex(long lsn) {
        return HexFormat.of().toHexDigits(lsn);
    }

    /**
     * @return the position written by {@link #hex}
     * @throws IllegalArgumentException when {@code hex} is not 16 hex digits
     */
    public static long fromHex(String hex) {
        if (hex == null || hex.length() != 16) {
            throw new IllegalArgumentException("not a 16-digit hex LSN: " + hex);
        }
        return HexFormat.fromHexDigitsToLong(hex);
    }
}
