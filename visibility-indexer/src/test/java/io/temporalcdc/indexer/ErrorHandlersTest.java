package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.EmbeddedAppContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

class ErrorHandlersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IndexerMetrics metrics = new IndexerMetrics(registry);

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
                return null;
            }

            @Override
            public byte[] sourceRawValue() {
                return null;
            }
        };
    }

    @Test
    void shouldDeadLetterRecordsThatCannotBeDeserializedAndResume() {
        DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
        handler.configure(Map.of(
                DeadLetterDeserializationHandler.DLQ_TOPIC,
                "p.visibility-indexer.dlq",
                DeadLetterDeserializationHandler.METRICS,
                metrics));
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(
                "p.temporal_visibility.executions",
                2,
                41L,
                "k".getBytes(StandardCharsets.UTF_8),
                "v".getBytes(StandardCharsets.UTF_8));

        DeserializationExceptionHandler.Response response =
                handler.handleError(context(), record, new SerializationException("bad bytes"));

        assertThat(response.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
        assertThat(response.deadLetterQueueRecords()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("p.visibility-indexer.dlq");
            assertThat(dead.value()).isEqualTo("v".getBytes(StandardCharsets.UTF_8));
            assertThat(new String(dead.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .contains("bad bytes");
            assertThat(new String(
                            dead.headers().lastHeader(DeadLetters.SOURCE_OFFSET).value(), StandardCharsets.UTF_8))
                    .isEqualTo("41");
        });
        assertThat(registry.get("visibility.indexer.dlq.records").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldResendATooLargeDeadLetterWithoutItsValue() {
        CountingProductionExceptionHandler handler = new CountingProductionExceptionHandler();
        handler.configure(Map.of(DeadLetterDeserializationHandler.METRICS, metrics));

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
                                    .lastHeader(CountingProductionExceptionHandler.VALUE_DROPPED)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .startsWith("3 bytes");
        });
        assertThat(registry.get("visibility.indexer.production.errors")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldFailOnOtherProductionErrors() {
        CountingProductionExceptionHandler handler = new CountingProductionExceptionHandler();
        handler.configure(Map.of(DeadLetterDeserializationHandler.METRICS, metrics));

        ProductionExceptionHandler.Response response = handler.handleError(
                context(),
                new ProducerRecord<>("p.visibility-indexer.dlq", new byte[0], new byte[0]),
                new TimeoutException("broker gone"));

        assertThat(response.result()).isEqualTo(ProductionExceptionHandler.Result.FAIL);
        assertThat(registry.get("visibility.indexer.production.errors")
                        .counter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void shouldRegisterBothHandlersWithTheirSettingsInTheStreamsConfiguration() {
        Map<String, String> settings = Map.of(
                "kafka.bootstrap.servers",
                "127.0.0.1:9092",
                "elasticsearch.url",
                "http://127.0.0.1:9200",
                "topic.prefix",
                "p");

        Map<String, Object> props = VisibilityIndexerApp.streamsProperties(
                new VisibilityIndexerConfig(settings), new EmbeddedAppContext("visibility-indexer"));

        StreamsConfig config = new StreamsConfig(props);
        assertThat(config.deserializationExceptionHandler()).isInstanceOf(DeadLetterDeserializationHandler.class);
        assertThat(config.productionExceptionHandler()).isInstanceOf(CountingProductionExceptionHandler.class);
        assertThat(props).containsEntry(DeadLetterDeserializationHandler.DLQ_TOPIC, "p.visibility-indexer.dlq");
    }

    private static Headers dlqHeaders() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("dlq.reason", "rejected by Elasticsearch".getBytes(StandardCharsets.UTF_8));
        return headers;
    }
}
