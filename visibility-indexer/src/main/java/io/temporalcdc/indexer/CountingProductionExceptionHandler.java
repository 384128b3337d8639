package io.temporalcdc.indexer;

import io.temporalcdc.runtime.DeadLetters;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when Kafka refuses a record the topology produces. A dead letter too large for the dead-letter
 * topic is sent again without its value (its key and headers still say where the original is, plus {@value
 * DeadLetters#VALUE_DROPPED}); a document too large for the documents topic becomes such a dead letter; processing
 * resumes. Any other failure, a too-large record of an internal topic included, stops the app, so nothing is lost silently and the uncommitted records are processed
 * again after a restart.
 *
 * <p>Configured from the Streams properties {@link DeadLetterProcessingHandler#DLQ_TOPIC} and {@link
 * DeadLetterProcessingHandler#METRICS}.
 */
public final class CountingProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CountingProductionExceptionHandler.class);

    /** Streams property: the documents topic, the only one whose too-large records become dead letters. */
    public static final String DOCUMENTS_TOPIC = "visibility.indexer.documents.topic";

    private String dlqTopic;
    private String documentsTopic;
    private IndexerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DeadLetterProcessingHandler.DLQ_TOPIC);
        dlqTopic = topic == null ? null : topic.toString();
        Object documents = configs.get(DOCUMENTS_TOPIC);
        documentsTopic = documents == null ? null : documents.toString();
        metrics = configs.get(DeadLetterProcessingHandler.METRICS) instanceof IndexerMetrics m ? m : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        count();
        boolean ours = record.topic().equals(dlqTopic) || record.topic().equals(documentsTopic);
        if (!(exception instanceof RecordTooLargeException) || record.value() == null || dlqTopic == null || !ours) {
            // internal topics (the joiner's changelog, the repartition topic) must never drop a record silently
            return fail(context, record.topic(), exception);
        }
        LOG.error(
                "The record for {} from {}-{}@{} is too large ({}): sending a dead letter without its value",
                record.topic(),
                context.topic(),
                context.partition(),
                context.offset(),
                exception.toString());
        if (record.topic().equals(dlqTopic)) {
            return Response.resume(List.of(DeadLetters.withoutValue(record, exception.getMessage())));
        }
        ProducerRecord<byte[], byte[]> dead = DeadLetters.record(
                dlqTopic,
                record.key(),
                record.value(),
                record.headers(),
                "too large for " + record.topic() + ": " + exception.getMessage(),
                exception.getClass().getName(),
                new DeadLetters.Origin(context.topic(), context.partition(), context.offset()));
        if (metrics != null) {
            metrics.deadLettered();
        }
        return Response.resume(List.of(DeadLetters.withoutValue(dead, exception.getMessage())));
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        count();
        return fail(context, record.topic(), exception);
    }

    private void count() {
        if (metrics != null) {
            metrics.productionError();
        }
    }

    private static Response fail(ErrorHandlerContext context, String topic, Exception exception) {
        LOG.error(
                "Cannot produce to {} (record from {}-{}@{}): {}",
                topic,
                context.topic(),
                context.partition(),
                context.offset(),
                exception.toString());
        return Response.fail();
    }
}
