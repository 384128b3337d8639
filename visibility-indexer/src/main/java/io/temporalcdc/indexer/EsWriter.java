package io.temporalcdc.indexer;

/**
 * Writes visibility documents to Elasticsearch through the write alias, with external versions: a write whose
 * version is not newer than the stored one is answered {@link WriteOutcome#STALE}, never applied.
 *
 * <p>Failures are classified for the topology: {@link DocumentRejectedException} when Elasticsearch rejects
 * this one document (it goes to the dead-letter topic), {@link TransientWriteException} when the write may
 * succeed later (it is retried), any other exception when the indexer cannot go on (the app fails).
 */
public interface EsWriter extends AutoCloseable {
    /**
     * Indexes (creates or replaces) a document.
     *
     * @param document the id and the full source
     * @param version the external version: the source LSN of the change
     */
    WriteOutcome index(VisibilityDocument document, long version);

    /**
     * Deletes a document, leaving a versioned delete marker so an older write cannot bring it back.
     *
     * @param id the document id
     * @param version the external version: the source LSN of the delete
     */
    WriteOutcome delete(String id, long version);

    @Override
    default void close() {}
}
