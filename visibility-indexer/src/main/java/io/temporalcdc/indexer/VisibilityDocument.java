package io.temporalcdc.indexer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One visibility document: its Elasticsearch id ({@code <WorkflowId>~<RunId>}) and its source.
 *
 * @param id the document id
 * @param source the document body, fields named as the seed's mapping names them
 */
public record VisibilityDocument(String id, ObjectNode source) {
    public VisibilityDocument {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
    }
}
