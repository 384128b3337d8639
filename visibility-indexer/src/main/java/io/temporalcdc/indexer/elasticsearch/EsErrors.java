package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import io.temporalcdc.indexer.DocumentRejectedException;
import io.temporalcdc.indexer.TransientWriteException;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts Elasticsearch failures into what the topology does with them: a 400 about the document's content
 * → the document is malformed (dead-letter), 408/429/5xx and I/O errors → transient (retry), anything else → fatal (the app stops, because
 * retrying or skipping would be wrong: missing alias, authentication, ...).
 */
final class EsErrors {
    private static final int BAD_REQUEST = 400;
    private static final int REQUEST_TIMEOUT = 408;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int SERVER_ERROR = 500;

    /** 400 types that reject one document's content: mapping, parsing, a value the field cannot take. */
    private static final Set<String> DOCUMENT_ERRORS = Set.of(
            "mapper_parsing_exception",
            "document_parsing_exception",
            "strict_dynamic_mapping_exception",
            "illegal_argument_exception",
            "x_content_parse_exception");

    private EsErrors() {}

    static boolean isTransientStatus(int status) {
        return status <= 0 || status == REQUEST_TIMEOUT || status == TOO_MANY_REQUESTS || status >= SERVER_ERROR;
    }

    /** @return the exception to throw for a failed write */
    static RuntimeException classify(String operation, ElasticsearchException e) {
        String type = e.error() == null ? "unknown" : e.error().type();
        String reason = e.error() == null ? e.getMessage() : e.error().reason();
        if (e.status() == BAD_REQUEST && isAboutTheDocument(type, reason)) {
            return new DocumentRejectedException(type, reason);
        }
        if (isTransientStatus(e.status())) {
            return new TransientWriteException(operation + ": " + e.status() + " " + type + ": " + reason, e);
        }
        return new IllegalStateException(
                operation + " refused by Elasticsearch: " + e.status() + " " + type + ": " + reason, e);
    }

    /**
     * Whether a 400 rejects this one document (dead-letter it, carry on) rather than every write (a
     * broken alias, an invalid request: stop, or the whole stream would be diverted to the dead-letter
     * topic while the app looks healthy).
     */
    static boolean isAboutTheDocument(String type, String reason) {
        if (!DOCUMENT_ERRORS.contains(type)) {
            return false;
        }
        String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return !(type.equals("illegal_argument_exception") && (text.contains("alias") || text.contains("write index")));
    }

    /** @return the exception to throw for a write that failed below the JSON level */
    static RuntimeException classify(String operation, IOException e) {
        if (e instanceof TransportException t && !isTransientStatus(t.statusCode())) {
            return new IllegalStateException(
                    operation + " refused by Elasticsearch: " + t.statusCode() + " " + t.getMessage(), e);
        }
        return new TransientWriteException(operation + ": " + e, e);
    }
}
