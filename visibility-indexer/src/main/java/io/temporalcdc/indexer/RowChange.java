package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.version.ChangePosition;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One change of one side of a visibility document, already decoded, mapped and typed: what crosses the
 * repartition topic between the mappers and the document joiner, as compact JSON.
 *
 * @param side which table changed
 * @param delete whether the row was deleted
 * @param position where the change stands in commit order
 * @param sourceTsMs the source commit time (Debezium's {@code source.ts_ms})
 * @param documentId the document id ({@code <WorkflowId>~<RunId>}); executions only
 * @param document the document without the custom table's attributes; executions upserts only
 * @param attributes the typed attributes of the custom table's row; its upserts only
 */
record RowChange(
        Side side,
        boolean delete,
        ChangePosition position,
        long sourceTsMs,
        String documentId,
        ObjectNode document,
        ObjectNode attributes) {

    /** The two tables a visibility document is joined from. */
    enum Side {
        EXECUTIONS("e"),
        CUSTOM_ATTRIBUTES("c");

        private final String code;

        Side(String code) {
            this.code = code;
        }

        static Side of(String code) {
            return code.equals("e") ? EXECUTIONS : CUSTOM_ATTRIBUTES;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** @return the change as compact JSON */
    byte[] encode() {
        ObjectNode node = JSON.createObjectNode();
        node.put("t", side.code);
        node.put("d", delete);
        node.set("p", Positions.encode(position));
        node.put("ts", sourceTsMs);
        if (documentId != null) {
            node.put("id", documentId);
        }
        if (document != null) {
            node.set("doc", document);
        }
        if (attributes != null) {
            node.set("sa", attributes);
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the change {@link #encode()} wrote */
    static RowChange decode(byte[] bytes) {
        try {
            JsonNode node = JSON.readTree(bytes);
            return new RowChange(
                    Side.of(node.path("t").asText()),
                    node.path("d").asBoolean(),
                    Positions.decode(node.get("p")),
                    node.path("ts").asLong(),
                    node.hasNonNull("id") ? node.get("id").asText() : null,
                    node.get("doc") instanceof ObjectNode doc ? doc : null,
                    node.get("sa") instanceof ObjectNode sa ? sa : null);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable row change on the repartition topic", e);
        }
    }
}
