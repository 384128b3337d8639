package io.temporalcdc.indexer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The only records this app produces are dead letters. One that Kafka refuses as too large is sent again
 * without its value (key and headers, the reason and the source topic, partition and offset among them, plus
 * {@value #VALUE_DROPPED}), so the record can still be found and replayed from its source; processing resumes.
 * Any other production failure stops the app, so nothing is lost silently and the uncommitted records are
 * retried after a restart.
 *
 * <p>Configured from the Streams property {@link DeadLetterDeserializationHandler#METRICS}.
 */
public final class CountingProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CountingProductionExceptionHandler.class);

    /** Header on a dead letter sent without its value because the whole record was too large. */
    public static final String VALUE_DROPPED = "dlq.value.dropped";

    private IndexerMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        metrics = configs.get(DeadLetterDeserializationHandler.METRICS) instanceof IndexerMetrics m ? m : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        Response decision = decide(context, record.topic(), exception);
        if (exception instanceof RecordTooLargeException && record.value() != null) {
            return Response.resume(List.of(withoutValue(record, exception)));
        }
        return decision;
    }

    private static ProducerRecord<byte[], byte[]> withoutValue(ProducerRecord<byte[], byte[]> record, Exception e) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(
                VALUE_DROPPED, (record.value().length + " bytes: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(record.topic(), null, record.key(), null, headers);
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
                    "The dead letter for {}-{}@{} is too large for {} ({}): sending it without its value",
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
