package io.temporalcdc.runtime.streams;

import io.micrometer.core.instrument.Counter;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.DecodingException;
import io.temporalcdc.runtime.UnmappableChangeException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every topology's dead-letter path: a record its processors cannot decode ({@link DecodingException}) or map
 * ({@link UnmappableChangeException}) is sent, as it was read (original key, value and headers) plus the {@link
 * DeadLetters} headers, to the dead-letter topic through Kafka Streams' own record collector, so it is written
 * before the record's offset is committed; the partition carries on. Any other exception is a bug, not bad data: the
 * app stops and resumes from its committed offsets.
 *
 * <p>Configured from the Streams properties {@link #DLQ_TOPIC} and {@link #DLQ_COUNTER}; {@link
 * StreamsErrorHandling#configure} sets them.
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    /** Streams property: the dead-letter topic. */
    public static final String DLQ_TOPIC = "temporalcdc.dlq.topic";
    /** Streams property: the Micrometer {@link Counter} of dead-lettered records (optional). */
    public static final String DLQ_COUNTER = "temporalcdc.dlq.counter";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

    private String dlqTopic;
    private Counter deadLettered;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DLQ_TOPIC);
        if (topic == null) {
            throw new IllegalArgumentException(DLQ_TOPIC + " is not set");
        }
        dlqTopic = topic.toString();
        deadLettered = configs.get(DLQ_COUNTER) instanceof Counter c ? c : null;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String reason;
        if (exception instanceof DecodingException) {
            reason = "undecodable: " + exception.getMessage();
        } else if (exception instanceof UnmappableChangeException) {
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
        if (deadLettered != null) {
            deadLettered.increment();
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
