package io.temporalcdc.runtime;

import io.temporalcdc.runtime.version.ChangePosition;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary layout of the apps' internal records (repartition topics and state stores: the indexer's row
 * changes and joiner state, the metrics aggregator's runs and groups): fixed-width numbers, length-prefixed strings and JSON documents kept as bytes, so a document
 * crosses the topology without being parsed again. Every layout starts with a format byte.
 */
public final class Codec {
    private Codec() {}

    /** Writes fields in order. */
    public static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        private final DataOutputStream out = new DataOutputStream(bytes);

        public Writer(int format) {
            write(() -> out.writeByte(format));
        }

        public Writer bool(boolean value) {
            return write(() -> out.writeBoolean(value));
        }

        public Writer number(long value) {
            return write(() -> out.writeLong(value));
        }

        /** A number in 1 to 10 bytes (zigzag varint): small ones, of either sign, take one or two. */
        public Writer varint(long value) {
            return write(() -> {
                long zigzag = (value << 1) ^ (value >> 63);
                while ((zigzag & ~0x7FL) != 0) {
                    out.writeByte((int) ((zigzag & 0x7F) | 0x80));
                    zigzag >>>= 7;
                }
                out.writeByte((int) zigzag);
            });
        }

        public Writer text(String value) {
            return blob(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        public Writer blob(byte[] value) {
            return write(() -> {
                out.writeInt(value == null ? -1 : value.length);
                if (value != null) {
                    out.write(value);
                }
            });
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
            return bytes.toByteArray();
        }

        private interface Step {
            void run() throws IOException;
        }

        private Writer write(Step step) {
            try {
                step.run();
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Reads fields in the order they were written. */
    public static final class Reader {
        private final DataInputStream in;

        public Reader(byte[] bytes, int format, String what) {
            this.in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            int found = read(in::readByte);
            if (found != format) {
                throw new IllegalStateException(what + " has format " + found + ", expected " + format);
            }
        }

        /** @return the format byte {@code bytes} starts with (to read an older layout), -1 when empty */
        public static int formatOf(byte[] bytes) {
            return bytes == null || bytes.length == 0 ? -1 : bytes[0];
        }

        public boolean bool() {
            return read(in::readBoolean);
        }

        public long number() {
            return read(in::readLong);
        }

        /** A number {@link Writer#varint} wrote. */
        public long varint() {
            long zigzag = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read(in::readUnsignedByte);
                zigzag |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return (zigzag >>> 1) ^ -(zigzag & 1);
                }
            }
            throw new IllegalStateException("a varint longer than 10 bytes: not a record this codec wrote");
        }

        public String text() {
            byte[] blob = blob();
            return blob == null ? null : new String(blob, StandardCharsets.UTF_8);
        }

        public byte[] blob() {
            int length = read(in::readInt);
            if (length < 0) {
                return null;
            }
            byte[] value = new byte[length];
            read(() -> {
                in.readFully(value);
                return null;
            });
            return value;
        }

        public ChangePosition position() {
            if (!bool()) {
                return null;
            }
            return new ChangePosition((int) number(), number(), number(), bool(), bool());
        }

        private interface Step<T> {
            T run() throws IOException;
        }

        private static <T> T read(Step<T> step) {
            try {
                return step.run();
            } catch (IOException e) {
                throw new UncheckedIOException("truncated internal record", e);
            }
        }
    }
}
