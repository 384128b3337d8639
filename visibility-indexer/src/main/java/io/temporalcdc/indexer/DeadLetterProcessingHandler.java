package io.temporalcdc.indexer;

import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.DecodingException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's dead-letter path: a record the mappers cannot decode ({@link DecodingException}) or map ({@link
 * DocumentMappingException}) is sent, as it was read (original key, value and headers) plus the {@link DeadLetters}
 * headers, to the dead-letter topic through Kafka Streams' own record collector, so it is written before the
 * record's offset is committed; the partition carries on. Any other exception is a bug, not bad data: the app
 * stops and resumes from its committed offsets.
 *
 * <p>Configured from the Streams properties {@link #DLQ_TOPIC} and {@link #METRICS}.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    /** Streams property: the dead-letter topic. */
    public static final String DLQ_TOPIC = "visibility.indexer.dlq.topic";
    /** Streams property: the {@link IndexerMetrics} to count with. */
    public static final String METRICS = "visibility.indexer.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

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
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason;
        if (exception instanceof DecodingException) {
            reason = "undecodable: " + exception.getMessage();
        } else if (exception instanceof DocumentMappingException) {
            reason = "unmappable: " + exception.getMessage();
        } else {
            LOG.error(
                    "{}-{}@{}: processor {} failed; stopping",
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    context.processorNodeId(),
                    exception);
            return Response.fail();
        }
        LOG.warn(
                "{}-{}@{}: dead-lettering record ({})", context.topic(), context.partition(), context.offset(), reason);
        if (metrics != null) {
            metrics.deadLettered();
        }
        ProducerRecord<byte[], byte[]> dead = DeadLetters.record(
                dlqTopic,
                context.sourceRawKey(),
                context.sourceRawValue(),
                context.headers(),
                reason,
                exception.getClass().getName(),
                new DeadLetters.Origin(context.topic(), context.partition(), context.offset()));
        return Response.resume(List.of(dead));
    }
}
