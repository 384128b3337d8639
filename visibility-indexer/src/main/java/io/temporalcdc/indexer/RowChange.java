package io.temporalcdc.indexer;

import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.version.ChangePosition;

/**
 * One change of one side of a visibility document, already decoded, mapped and typed: what crosses the
 * repartition topic between the mappers and the document joiner ({@link Codec} layout 1).
 *
 * @param side which table changed
 * @param delete whether the row was deleted
 * @param position where the change stands in commit order
 * @param sourceTsMs the source commit time (Debezium's {@code source.ts_ms})
 * @param documentId the document id ({@code <WorkflowId>~<RunId>}); executions only
 * @param data the document as JSON without the custom table's attributes (executions upserts), or the typed
 *     attributes as a JSON object (custom table upserts); null for deletes
 */
record RowChange(Side side, boolean delete, ChangePosition position, long sourceTsMs, String documentId, byte[] data) {

    private static final int FORMAT = 1;

    /** The two tables a visibility document is joined from. */
    enum Side {
        EXECUTIONS,
        CUSTOM_ATTRIBUTES
    }

    /** @return the change in its binary layout */
    byte[] encode() {
        return new Codec.Writer(FORMAT)
                .bool(side == Side.EXECUTIONS)
                .bool(delete)
                .position(position)
                .number(sourceTsMs)
                .text(documentId)
                .blob(data)
                .bytes();
    }

    /** @return the change {@link #encode()} wrote */
    static RowChange decode(byte[] bytes) {
        Codec.Reader in = new Codec.Reader(bytes, FORMAT, "a row change on the repartition topic");
        return new RowChange(
                in.bool() ? Side.EXECUTIONS : Side.CUSTOM_ATTRIBUTES,
                in.bool(),
                in.position(),
                in.number(),
                in.text(),
                in.blob());
    }
}
