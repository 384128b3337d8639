package io.temporalcdc.indexer;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record Kafka Streams cannot deserialize is dead-lettered (original key, value and headers, plus the reason
 * headers), logged and counted; the partition carries on. The topology reads raw bytes, so this is a safety
 * net rather than the usual path: decoding errors are dead-lettered by the indexer itself.
 *
 * <p>Configured from the Streams properties {@link #DLQ_TOPIC} (the dead-letter topic) and {@link #METRICS}
 * (an {@link IndexerMetrics} instance).
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    /** Streams property: the dead-letter topic. */
    public static final String DLQ_TOPIC = "visibility.indexer.dlq.topic";
    /** Streams property: the {@link IndexerMetrics} to count with. */
    public static final String METRICS = "visibility.indexer.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

    private String dlqTopic;
    private IndexerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DLQ_TOPIC);
        if (topic == null) {
            throw new IllegalArgumentException(DLQ_TOPIC + " is not set");
        }
        dlqTopic = topic.toString();
        metrics = configs.get(METRICS) instanceof IndexerMetrics m ? m : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String reason = "undeserializable: " + exception;
        LOG.warn(
                "{}-{}@{}: dead-lettering record ({})", context.topic(), context.partition(), context.offset(), reason);
        if (metrics != null) {
            metrics.deadLettered();
        }
        ProducerRecord<byte[], byte[]> dead = new ProducerRecord<>(
                dlqTopic,
                null,
                record.key(),
                record.value(),
                DeadLetters.headers(
                        record.headers(), reason, exception, context.topic(), context.partition(), context.offset()));
        return Response.resume(List.of(dead));
    }
}
