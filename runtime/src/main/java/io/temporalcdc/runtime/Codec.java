package io.temporalcdc.runtime;

import io.temporalcdc.runtime.version.ChangePosition;
import java.io.EOFException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The compact binary layout of the apps' internal records (repartition topics and state stores: the indexer's row
 * changes and joiner state, the metrics aggregator's runs and groups): fixed-width numbers, length-prefixed strings and JSON documents kept as bytes, so a document
 * crosses the topology without being parsed again. Every layout starts with a format byte.
 */
public final class Codec {
    /** The largest record the writer makes (the largest array the JVM allocates). */
    private static final int MAX_RECORD = Integer.MAX_VALUE - 8;

    private Codec() {}

    /** Writes fields in order (numbers big-endian, as {@link java.io.DataOutputStream} writes them). */
    public static final class Writer {
        private byte[] buffer = new byte[256];
        private int size;

        public Writer(int format) {
            put((byte) format);
        }

        public Writer bool(boolean value) {
            put((byte) (value ? 1 : 0));
            return this;
        }

        public Writer number(long value) {
            ensure(8);
            for (int shift = 56; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (value >>> shift);
            }
            return this;
        }

        /** A number in 1 to 10 bytes (zigzag varint): small ones, of either sign, take one or two. */
        public Writer varint(long value) {
            ensure(10);
            long zigzag = (value << 1) ^ (value >> 63);
            while ((zigzag & ~0x7FL) != 0) {
                buffer[size++] = (byte) ((zigzag & 0x7F) | 0x80);
                zigzag >>>= 7;
            }
            buffer[size++] = (byte) zigzag;
            return this;
        }

        public Writer text(String value) {
            return blob(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        public Writer blob(byte[] value) {
            int length = value == null ? -1 : value.length;
            ensure(4 + Math.max(0, length));
            for (int shift = 24; shift >= 0; shift -= 8) {
                buffer[size++] = (byte) (length >>> shift);
            }
            if (value != null) {
                System.arraycopy(value, 0, buffer, size, length);
                size += length;
            }
            return this;
        }

        public Writer position(ChangePosition p) {
            bool(p != null);
            if (p != null) {
                number(p.epoch())
                        .number(p.commit())
                        .number(p.lsn())
                        .bool(p.snapshot())
                        .bool(p.commitKnown());
            }
            return this;
        }

        public byte[] bytes() {
            return Arrays.copyOf(buffer, size);
        }

        private void put(byte b) {
            ensure(1);
            buffer[size++] = b;
        }

        private void ensure(int more) {
            if (more > buffer.length - size) {
                long needed = (long) size + more;
                if (needed > MAX_RECORD) {
                    throw new IllegalArgumentException("an internal record of " + needed + " bytes: too large");
                }
                buffer = Arrays.copyOf(buffer, (int) Math.min(MAX_RECORD, Math.max(2L * buffer.length, needed)));
            }
        }
    }

    /** Reads fields in the order they were written. */
    public static final class Reader {
        private final byte[] bytes;
        private int at;

        public Reader(byte[] bytes, int format, String what) {
            this.bytes = bytes;
            int found = take(1)[0];
            if (found != format) {
                throw new IllegalStateException(what + " has format " + found + ", expected " + format);
            }
        }

        /** @return the format byte {@code bytes} starts with (to read an older layout), -1 when empty */
        public static int formatOf(byte[] bytes) {
            return bytes == null || bytes.length == 0 ? -1 : bytes[0];
        }

        public boolean bool() {
            return take(1)[at - 1] != 0;
        }

        public long number() {
            take(8);
            long value = 0;
            for (int i = at - 8; i < at; i++) {
                value = (value << 8) | (bytes[i] & 0xFF);
            }
            return value;
        }

        /** A number {@link Writer#varint} wrote. */
        public long varint() {
            long zigzag = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = take(1)[at - 1] & 0xFF;
                zigzag |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (zigzag >>> 1) ^ -(zigzag & 1);
                }
            }
            throw new IllegalStateException("a varint longer than 10 bytes: not a record this codec wrote");
        }

        public String text() {
            int length = length();
            if (length < 0) {
                return null;
            }
            take(length);
            return new String(bytes, at - length, length, StandardCharsets.UTF_8);
        }

        public byte[] blob() {
            int length = length();
            if (length < 0) {
                return null;
            }
            take(length);
            return Arrays.copyOfRange(bytes, at - length, at);
        }

        public ChangePosition position() {
            if (!bool()) {
                return null;
            }
            return new ChangePosition((int) number(), number(), number(), bool(), bool());
        }

        private int length() {
            take(4);
            int value = 0;
            for (int i = at - 4; i < at; i++) {
                value = (value << 8) | (bytes[i] & 0xFF);
            }
            return value;
        }

        /** Moves past {@code n} bytes; @return the record's bytes */
        private byte[] take(int n) {
            if (n < 0 || n > bytes.length - at) {
                throw new UncheckedIOException(
                        "truncated internal record",
                        new EOFException(n + " more bytes wanted at byte " + at + " of " + bytes.length));
            }
            at += n;
            return bytes;
        }
    }
}
