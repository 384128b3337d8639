package io.temporalcdc.indexer;

import io.temporalcdc.runtime.version.ChangePosition;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The compact binary layout of the indexer's internal records (the repartition topic's row changes and the
 * joiner's state): fixed-width numbers, length-prefixed strings and JSON documents kept as bytes, so a document
 * crosses the topology without being parsed again. Every layout starts with a format byte.
 */
final class Codec {
    private Codec() {}

    /** Writes fields in order. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer(int format) {
            write(() -> out.writeByte(format));
        }

        Writer bool(boolean value) {
            return write(() -> out.writeBoolean(value));
        }

        Writer number(long value) {
            return write(() -> out.writeLong(value));
        }

        Writer text(String value) {
            return blob(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        }

        Writer blob(byte[] value) {
            return write(() -> {
                out.writeInt(value == null ? -1 : value.length);
                if (value != null) {
                    out.write(value);
                }
            });
        }

        Writer position(ChangePosition p) {
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

        byte[] bytes() {
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
    static final class Reader {
        private final DataInputStream in;

        Reader(byte[] bytes, int format, String what) {
            this.in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
            int found = read(in::readByte);
            if (found != format) {
                throw new IllegalStateException(what + " has format " + found + ", expected " + format);
            }
        }

        boolean bool() {
            return read(in::readBoolean);
        }

        long number() {
            return read(in::readLong);
        }

        String text() {
            byte[] blob = blob();
            return blob == null ? null : new String(blob, StandardCharsets.UTF_8);
        }

        byte[] blob() {
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

        ChangePosition position() {
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
