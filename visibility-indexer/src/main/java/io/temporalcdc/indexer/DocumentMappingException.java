package io.temporalcdc.indexer;

import io.temporalcdc.runtime.UnmappableChangeException;

/**
 * A visibility row that cannot become an Elasticsearch document: a key column is missing, a column has the
 * wrong type, or the memo or search attributes are not valid JSON. The message names the column and the
 * reason; the record goes to the dead-letter topic.
 */
public final class DocumentMappingException extends UnmappableChangeException {
    private static final long serialVersionUID = 1L;

    /** @param message the column and what is wrong with it */
    public DocumentMappingException(String message) {
        super(message);
    }

    /**
     * @param message the column and what is wrong with it
     * @param cause the parser's error
     */
    public DocumentMappingException(String message, Throwable cause) {
        super(message, cause);
    }
}
