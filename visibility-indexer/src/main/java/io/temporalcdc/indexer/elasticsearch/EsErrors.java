package io.temporalcdc.indexer.elasticsearch;

import io.temporalcdc.runtime.sink.SinkOutcome;
import java.util.Locale;
import java.util.Set;

/**
 * Sorts Elasticsearch's answers to a write into what the sink does with them: a 400 about the document's content
 * → dead letter; 408/429/5xx, a write block (403 {@code cluster_block_exception}) and I/O errors → retry; anything else → stop, because retrying or skipping would be
 * wrong (a missing write alias, authentication, an invalid request). Pure.
 */
final class EsErrors {
    private static final int BAD_REQUEST = 400;
    private static final int FORBIDDEN = 403;
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

    /** @return the outcome of a write Elasticsearch answered with an error */
    static SinkOutcome classify(String operation, int status, String type, String reason) {
        if (status == BAD_REQUEST && isAboutTheDocument(type, reason)) {
            return new SinkOutcome.DeadLetter(
                    "rejected by Elasticsearch: " + type + ": " + reason, "ElasticsearchRejection:" + type);
        }
        String text = operation + ": " + status + " " + type + ": " + reason;
        if (isTransientStatus(status) || isWriteBlock(status, type)) {
            return new SinkOutcome.Retry(text);
        }
        return new SinkOutcome.Fatal("refused by Elasticsearch: " + text);
    }

    /**
     * Whether a 403 is a write block on the index: Elasticsearch's flood-stage disk watermark (lifted by itself once
     * disk is freed) or an operator's {@code index.blocks.write}; the write is retried until the block goes or the
     * retry duration runs out.
     */
    static boolean isWriteBlock(int status, String type) {
        return status == FORBIDDEN && "cluster_block_exception".equals(type);
    }

    /**
     * Whether a 400 rejects this one document (dead-letter it, carry on) rather than every write (a broken alias,
     * an invalid request: stop, or the whole stream would be diverted to the dead-letter topic while the app looks
     * healthy).
     */
    static boolean isAboutTheDocument(String type, String reason) {
        if (!DOCUMENT_ERRORS.contains(type)) {
            return false;
        }
        String text = reason == null ? "" : reason.toLowerCase(Locale.ROOT);
        return !(type.equals("illegal_argument_exception") && (text.contains("alias") || text.contains("write index")));
    }
}
