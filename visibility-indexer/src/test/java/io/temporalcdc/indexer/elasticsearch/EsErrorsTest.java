package io.temporalcdc.indexer.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.ErrorResponse;
import io.temporalcdc.indexer.DocumentRejectedException;
import io.temporalcdc.indexer.TransientWriteException;
import org.junit.jupiter.api.Test;

class EsErrorsTest {

    @Test
    void shouldDeadLetterADocumentTheMappingRejects() {
        assertThat(classify(
                        400, "strict_dynamic_mapping_exception", "mapping set to strict, dynamic introduction of [X]"))
                .isInstanceOf(DocumentRejectedException.class);
        assertThat(classify(400, "document_parsing_exception", "failed to parse field [StartTime]"))
                .isInstanceOf(DocumentRejectedException.class);
    }

    @Test
    void shouldStopOnABadRequestThatWouldRejectEveryDocument() {
        assertThat(classify(
                        400,
                        "illegal_argument_exception",
                        "no write index is defined for alias [temporal_visibility_v1]"))
                .isInstanceOf(IllegalStateException.class);
        assertThat(classify(400, "action_request_validation_exception", "Validation Failed: 1: index is missing"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRetryOverloadAndServerErrors() {
        assertThat(classify(429, "es_rejected_execution_exception", "queue full"))
                .isInstanceOf(TransientWriteException.class);
        assertThat(classify(503, "unavailable_shards_exception", "primary shard not active"))
                .isInstanceOf(TransientWriteException.class);
    }

    private static RuntimeException classify(int status, String type, String reason) {
        ErrorResponse response =
                ErrorResponse.of(r -> r.status(status).error(e -> e.type(type).reason(reason)));
        return EsErrors.classify("index wf~run", new ElasticsearchException("index", response));
    }
}
