package io.temporalcdc.metrics;

import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.version.ChangePosition;

/**
 * What the aggregator keeps of one run (one visibility row): the row as last counted, or as it was when deleted,
 * and where that change stands in the source's commit order, so a redelivered or older change is not counted again.
 *
 * @param row the row
 * @param exists false once deleted: the row is kept (not counted) until its day leaves the window, so an older
 *     change redelivered after the delete is recognised
 * @param position the position of the change applied last
 * @param lastSnapshot the last snapshot read seen for the row, applied or not (null for none)
 */
record RunState(RunRow row, boolean exists, ChangePosition position, ChangePosition lastSnapshot) {
    private static final int FORMAT = 1;

    byte[] encode() {
        // start_time first: the daily purge reads only that
        Codec.Writer out = new Codec.Writer(FORMAT).number(row.startMicros());
        row.write(out);
        return out.bool(exists).position(position).position(lastSnapshot).bytes();
    }

    static RunState decode(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        Codec.Reader in = reader(bytes);
        in.number();
        return new RunState(RunRow.read(in), in.bool(), in.position(), in.position());
    }

    /** @return the start_time of a stored state, without decoding the rest */
    static long startMicros(byte[] bytes) {
        return reader(bytes).number();
    }

    private static Codec.Reader reader(byte[] bytes) {
        return new Codec.Reader(bytes, FORMAT, "a run's state");
    }
}
