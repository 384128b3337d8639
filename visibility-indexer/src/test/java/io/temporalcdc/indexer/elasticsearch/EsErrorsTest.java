package io.temporalcdc.indexer.elasticsearch;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.runtime.sink.SinkOutcome;
import org.junit.jupiter.api.Test;

class EsErrorsTest {

    @Test
    void shouldDeadLetterADocumentTheMappingRejects() {
        assertThat(EsErrors.classify(
                        "index wf~run",
                        400,
                        "strict_dynamic_mapping_exception",
                        "mapping set to strict, dynamic introduction of [X]"))
                .isInstanceOf(SinkOutcome.DeadLetter.class);
        assertThat(EsErrors.classify("index wf~run", 400, "document_parsing_exception", "failed to parse [StartTime]"))
                .isInstanceOfSatisfying(
                        SinkOutcome.DeadLetter.class,
                        dead -> assertThat(dead.reason())
                                .isEqualTo(
                                        "rejected by Elasticsearch: document_parsing_exception: failed to parse [StartTime]"));
    }

    @Test
    void shouldRetryAWriteBlockAndStopOnOtherRefusals() {
        assertThat(EsErrors.classify(
                        "index wf~run",
                        403,
                        "cluster_block_exception",
                        "index [v_index-000001] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage"
                                + " watermark, index has read-only-allow-delete block]"))
                .isInstanceOf(SinkOutcome.Retry.class);
        assertThat(EsErrors.classify("index wf~run", 403, "security_exception", "action [indices:data/write/bulk]"))
                .isInstanceOf(SinkOutcome.Fatal.class);
    }

    @Test
    void shouldStopOnABadRequestThatWouldRejectEveryDocument() {
        assertThat(EsErrors.classify(
                        "index wf~run",
                        400,
                        "illegal_argument_exception",
                        "no write index is defined for alias [temporal_visibility_v1]"))
                .isInstanceOf(SinkOutcome.Fatal.class);
        assertThat(EsErrors.classify(
                        "index wf~run",
                        400,
                        "action_request_validation_exception",
                        "Validation Failed: 1: index is missing"))
                .isInstanceOf(SinkOutcome.Fatal.class);
        assertThat(EsErrors.classify("index wf~run", 404, "index_not_found_exception", "no such index [x]"))
                .isInstanceOf(SinkOutcome.Fatal.class);
    }

    @Test
    void shouldRetryOverloadAndServerErrors() {
        assertThat(EsErrors.classify("index wf~run", 429, "es_rejected_execution_exception", "queue full"))
                .isInstanceOf(SinkOutcome.Retry.class);
        assertThat(EsErrors.classify("index wf~run", 503, "unavailable_shards_exception", "primary shard not active"))
                .isInstanceOf(SinkOutcome.Retry.class);
    }
}
