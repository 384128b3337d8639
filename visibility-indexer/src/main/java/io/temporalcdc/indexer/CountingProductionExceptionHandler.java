package io.temporalcdc.indexer;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only records this app produces are dead letters. One that Kafka refuses as too large is logged (with the
 * source topic, partition and offset, so it can be found again) and counted, and processing resumes; any other
 * production failure stops the app, so nothing is lost silently and the uncommitted records are retried after
 * a restart.
 *
 * <p>Configured from the Streams property {@link DeadLetterDeserializationHandler#METRICS}.
 */
public final class CountingProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CountingProductionExceptionHandler.class);

    private IndexerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = configs.get(DeadLetterDeserializationHandler.METRICS) instanceof IndexerMetrics m ? m : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        return decide(context, record.topic(), exception);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(
            ErrorHandlerContext context,
            ProducerRecord record,
            Exception exception,
            SerializationExceptionOrigin origin) {
        return decide(context, record.topic(), exception);
    }

    private Response decide(ErrorHandlerContext context, String topic, Exception exception) {
        if (metrics != null) {
            metrics.productionError();
        }
        if (exception instanceof RecordTooLargeException) {
            LOG.error(
                    "Dropping the dead letter for {}-{}@{}: {} refused it ({})",
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    topic,
                    exception.toString());
            return Response.resume();
        }
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
