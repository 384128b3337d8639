package io.temporalcdc.indexer;

/**
 * Elasticsearch rejected one document as malformed (400: {@code strict_dynamic_mapping_exception},
 * {@code mapper_parsing_exception}, {@code document_parsing_exception}, {@code illegal_argument_exception}, …).
 * Retrying cannot help; the record goes to the dead-letter topic.
 */
public final class DocumentRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String errorType;

    /**
     * @param errorType Elasticsearch's error type, e.g. {@code strict_dynamic_mapping_exception}
     * @param message Elasticsearch's reason
     */
    public DocumentRejectedException(String errorType, String message) {
        super(errorType + ": " + message);
        this.errorType = errorType;
    }

    /** @return Elasticsearch's error type */
    public String errorType() {
        return errorType;
    }
}
