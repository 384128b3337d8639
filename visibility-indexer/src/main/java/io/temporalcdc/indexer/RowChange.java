package io.temporalcdc.indexer;

import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.version.ChangePosition;

/**
 * One change of one side of a visibility document, already decoded, mapped and typed: what crosses the
 * repartition topic between the mappers and the document joiner ({@link Codec} layout 2; layout 1, without region
 * and versions, is still read).
 *
 * @param side which table changed
 * @param region the region whose database the change was captured in: "" for the local region
 * @param delete whether the row was deleted
 * @param position where the change stands in its region's commit order
 * @param sourceTsMs the source commit time (Debezium's {@code source.ts_ms})
 * @param documentId the document id ({@code <WorkflowId>~<RunId>}); executions only
 * @param data the document as JSON without the custom table's attributes (executions upserts), or the typed
 *     attributes as a JSON object (custom table upserts); null for deletes and execution versions
 * @param lastWriteVersion the {@code temporal.executions} row's {@code last_write_version} (execution versions only)
 * @param dbRecordVersion the {@code temporal.executions} row's {@code db_record_version} (execution versions only)
 */
record RowChange(
        Side side,
        String region,
        boolean delete,
        ChangePosition position,
        long sourceTsMs,
        String documentId,
        byte[] data,
        long lastWriteVersion,
        long dbRecordVersion) {

    private static final int FORMAT = 2;
    private static final int FORMAT_1 = 1;

    /** The tables a visibility document is joined from, and the execution whose versions decide between regions. */
    enum Side {
        EXECUTIONS,
        CUSTOM_ATTRIBUTES,
        /** {@code temporal.executions}: the run's conflict versions, read only when several regions are */
        EXECUTION_VERSION
    }

    /** A change of one of the two visibility tables. */
    RowChange(
            Side side,
            String region,
            boolean delete,
            ChangePosition position,
            long sourceTsMs,
            String documentId,
            byte[] data) {
        this(side, region, delete, position, sourceTsMs, documentId, data, 0, 0);
    }

    /** @return the change in its binary layout */
    byte[] encode() {
        return new Codec.Writer(FORMAT)
                .varint(side.ordinal())
                .text(region)
                .bool(delete)
                .position(position)
                .number(sourceTsMs)
                .text(documentId)
                .blob(data)
                .number(lastWriteVersion)
                .number(dbRecordVersion)
                .bytes();
    }

    /** @return the change {@link #encode()} wrote (or a layout 1 change: the local region's) */
    static RowChange decode(byte[] bytes) {
        String what = "a row change on the repartition topic";
        if (Codec.Reader.formatOf(bytes) == FORMAT_1) {
            Codec.Reader in = new Codec.Reader(bytes, FORMAT_1, what);
            return new RowChange(
                    in.bool() ? Side.EXECUTIONS : Side.CUSTOM_ATTRIBUTES,
                    "",
                    in.bool(),
                    in.position(),
                    in.number(),
                    in.text(),
                    in.blob());
        }
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, what);
        int side = (int) in.varint();
        if (side < 0 || side >= Side.values().length) {
            throw new IllegalStateException(what + " names an unknown side " + side);
        }
        return new RowChange(
                Side.values()[side],
                in.text(),
                in.bool(),
                in.position(),
                in.number(),
                in.text(),
                in.blob(),
                in.number(),
                in.number());
    }
}
