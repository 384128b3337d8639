package io.temporalcdc.runtime.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.UnmappableChangeException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

class ErrorHandlersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Counter deadLettered = registry.counter("app.dlq.records");
    private final Counter productionErrors = registry.counter("app.production.errors");

    private static ErrorHandlerContext context() {
        return new ErrorHandlerContext() {
            @Override
            public String topic() {
                return "p.temporal_visibility.executions";
            }

            @Override
            public int partition() {
                return 2;
            }

            @Override
            public long offset() {
                return 41L;
            }

            @Override
            public Headers headers() {
                return new RecordHeaders();
            }

            @Override
            public String processorNodeId() {
                return "visibility-executions-source";
            }

            @Override
            public TaskId taskId() {
                return new TaskId(0, 2);
            }

            @Override
            public long timestamp() {
                return 0L;
            }

            @Override
            public byte[] sourceRawKey() {
                return "raw-key".getBytes(StandardCharsets.UTF_8);
            }

            @Override
            public byte[] sourceRawValue() {
                return "raw-value".getBytes(StandardCharsets.UTF_8);
            }
        };
    }

    @Test
    void shouldDeadLetterRecordsThatCannotBeDecodedOrMappedWithTheOriginalBytesAndResume() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(Map.of(
                DeadLetterProcessingHandler.DLQ_TOPIC,
                "p.visibility-indexer.dlq",
                DeadLetterProcessingHandler.DLQ_COUNTER,
                deadLettered,
                CountingProductionExceptionHandler.ERRORS_COUNTER,
                productionErrors));

        ProcessingExceptionHandler.Response response = handler.handleError(
                context(), new Record<>("k", "v", 0L), new UnmappableChangeException("workflow_id is missing"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("p.visibility-indexer.dlq");
            assertThat(dead.key()).isEqualTo("raw-key".getBytes(StandardCharsets.UTF_8));
            assertThat(dead.value()).isEqualTo("raw-value".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(dead.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("unmappable: workflow_id is missing");
            assertThat(new String(
                            dead.headers().lastHeader(DeadLetters.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                    .isEqualTo("41");
        });
        assertThat(registry.get("app.dlq.records").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldStopOnAnExceptionThatIsNotAboutTheRecord() {
        DeadLetterProcessingHandler handler = new DeadLetterProcessingHandler();
        handler.configure(Map.of(DeadLetterProcessingHandler.DLQ_TOPIC, "p.visibility-indexer.dlq"));

        ProcessingExceptionHandler.Response response =
                handler.handleError(context(), new Record<>("k", "v", 0L), new IllegalStateException("bug"));

        assertThat(response.result()).isEqualTo(ProcessingExceptionHandler.Result.FAIL);
        assertThat(response.deadLetterQueueRecords()).isEmpty();
    }

    @Test
    void shouldDeadLetterADocumentTooLargeForTheDocumentsTopicWithoutItsValue() {
        CountingProductionExceptionHandler handler = new CountingProductionExceptionHandler();
        handler.configure(Map.of(
                DeadLetterProcessingHandler.DLQ_TOPIC,
                "p.visibility-indexer.dlq",
                CountingProductionExceptionHandler.OUTPUT_TOPICS,
                "p.visibility.documents,p.other",
                DeadLetterProcessingHandler.DLQ_COUNTER,
                deadLettered,
                CountingProductionExceptionHandler.ERRORS_COUNTER,
                productionErrors));

        ProductionExceptionHandler.Response response = handler.handleError(
                context(),
                new ProducerRecord<>("p.visibility.documents", "wf~run".getBytes(StandardCharsets.UTF_8), new byte[5]),
                new RecordTooLargeException("big"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("p.visibility-indexer.dlq");
            assertThat(dead.value()).isNull();
            assertThat(new String(dead.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .startsWith("too large for p.visibility.documents");
        });
        // an internal topic never drops a record: the joiner's state would no longer match its changelog
        assertThat(handler.handleError(
                                context(),
                                new ProducerRecord<>(
                                        "app-visibility-documents-state-changelog", new byte[1], new byte[5]),
                                new RecordTooLargeException("big"))
                        .result())
                .isEqualTo(ProductionExceptionHandler.Result.FAIL);
    }

    @Test
    void shouldResendATooLargeDeadLetterWithoutItsValue() {
        CountingProductionExceptionHandler handler = new CountingProductionExceptionHandler();
        handler.configure(Map.of(
                DeadLetterProcessingHandler.DLQ_TOPIC,
                "p.visibility-indexer.dlq",
                DeadLetterProcessingHandler.DLQ_COUNTER,
                deadLettered,
                CountingProductionExceptionHandler.ERRORS_COUNTER,
                productionErrors));

        ProductionExceptionHandler.Response response = handler.handleError(
                context(),
                new ProducerRecord<>("p.visibility-indexer.dlq", null, new byte[] {1}, new byte[3], dlqHeaders()),
                new RecordTooLargeException("big"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(resent -> {
            assertThat(resent.topic()).isEqualTo("p.visibility-indexer.dlq");
            assertThat(resent.key()).containsExactly(1);
            assertThat(resent.value()).isNull();
            assertThat(resent.headers().lastHeader("dlq.reason")).isNotNull();
            assertThat(new String(
                            resent.headers()
                                    .lastHeader(DeadLetters.VALUE_DROPPED)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .startsWith("3 bytes");
        });
        assertThat(registry.get("app.production.errors").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldFailOnOtherProductionErrors() {
        CountingProductionExceptionHandler handler = new CountingProductionExceptionHandler();
        handler.configure(Map.of(
                DeadLetterProcessingHandler.DLQ_TOPIC,
                "p.visibility-indexer.dlq",
                DeadLetterProcessingHandler.DLQ_COUNTER,
                deadLettered,
                CountingProductionExceptionHandler.ERRORS_COUNTER,
                productionErrors));

        ProductionExceptionHandler.Response response = handler.handleError(
                context(),
                new ProducerRecord<>("p.visibility-indexer.dlq", new byte[0], new byte[0]),
                new TimeoutException("broker gone"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(registry.get("app.production.errors").counter().count()).isEqualTo(1.0);
    }

    @Test
    void shouldRegisterBothHandlersWithTheirSettingsInTheStreamsConfiguration() {
        Map<String, Object> props = new HashMap<>(
                StreamsDefaults.properties(Map.of("kafka.bootstrap.servers", "127.0.0.1:9092"), "app", Map.of()));

        StreamsErrorHandling.configure(props, "p.app.dlq", List.of("p.app.out"), deadLettered, productionErrors);

        StreamsConfig config = new StreamsConfig(props);
        assertThat(config.processingExceptionHandler()).isInstanceOf(DeadLetterProcessingHandler.class);
        assertThat(config.productionExceptionHandler()).isInstanceOf(CountingProductionExceptionHandler.class);
        assertThat(props).containsEntry(DeadLetterProcessingHandler.DLQ_TOPIC, "p.app.dlq");
        assertThat(props).containsEntry(CountingProductionExceptionHandler.OUTPUT_TOPICS, List.of("p.app.out"));
    }

    @Test
    void shouldLetStreamsSettingsOverrideTheSharedDefaults() {
        Map<String, Object> props = StreamsDefaults.properties(
                Map.of(
                        "kafka.bootstrap.servers", "k:9092",
                        "streams.commit.interval.ms", "5000",
                        "streams.application.id", "other"),
                "app",
                Map.of(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2));

        assertThat(props)
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "5000")
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "other")
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 2)
                .containsEntry("bootstrap.servers", "k:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // the shared producer batch size reaches the producers Streams creates, and a setting can lower it
        StreamsConfig config = new StreamsConfig(props);
        assertThat(config.getProducerConfigs("c").get(ProducerConfig.BATCH_SIZE_CONFIG))
                .isEqualTo(StreamsDefaults.PRODUCER_BATCH_BYTES);
        Map<String, Object> lowered = StreamsDefaults.properties(
                Map.of("kafka.bootstrap.servers", "k:9092", "streams.producer.batch.size", "16384"), "app", Map.of());
        assertThat(new StreamsConfig(lowered).getProducerConfigs("c").get(ProducerConfig.BATCH_SIZE_CONFIG))
                .isEqualTo("16384");
        Map<String, Object> forEveryClient = StreamsDefaults.properties(
                Map.of("kafka.bootstrap.servers", "k:9092", "kafka.batch.size", "32768", "kafka.linger.ms", "50"),
                "app",
                Map.of());
        Map<String, Object> producer = new StreamsConfig(forEveryClient).getProducerConfigs("c");
        assertThat(producer.get(ProducerConfig.BATCH_SIZE_CONFIG)).isEqualTo("32768");
        assertThat(producer.get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("50");
        Map<String, Object> forStreams = StreamsDefaults.properties(
                Map.of("kafka.bootstrap.servers", "k:9092", "streams.batch.size", "65536"), "app", Map.of());
        assertThat(new StreamsConfig(forStreams).getProducerConfigs("c").get(ProducerConfig.BATCH_SIZE_CONFIG))
                .isEqualTo("65536");
    }

    private static Headers dlqHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlq.reason", "rejected by Elasticsearch".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
