package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.transport.TransportException;
import io.temporalcdc.indexer.DocumentRejectedException;
import io.temporalcdc.indexer.TransientWriteException;
import java.io.IOException;

/**
 * Sorts Elasticsearch failures into what the topology does with them: 400 → the document is malformed
 * (dead-letter), 408/429/5xx and I/O errors → transient (retry), anything else → fatal (the app stops, because
 * retrying or skipping would be wrong: missing alias, authentication, ...).
 */
final class EsErrors {
    private static final int BAD_REQUEST = 400;
    private static final int REQUEST_TIMEOUT = 408;
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int SERVER_ERROR = 500;

    private EsErrors() {}

    static boolean isTransientStatus(int status) {
        return status <= 0 || status == REQUEST_TIMEOUT || status == TOO_MANY_REQUESTS || status >= SERVER_ERROR;
    }

    /** @return the exception to throw for a failed write */
    static RuntimeException classify(String operation, ElasticsearchException e) {
        String type = e.error() == null ? "unknown" : e.error().type();
        String reason = e.error() == null ? e.getMessage() : e.error().reason();
        if (e.status() == BAD_REQUEST) {
            return new DocumentRejectedException(type, reason);
        }
        if (isTransientStatus(e.status())) {
            return new TransientWriteException(operation + ": " + e.status() + " " + type + ": " + reason, e);
        }
        return new IllegalStateException(
                operation + " refused by Elasticsearch: " + e.status() + " " + type + ": " + reason, e);
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
