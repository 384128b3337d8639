package io.temporalcdc.runtime.streams;

import io.micrometer.core.instrument.Counter;
import io.temporalcdc.runtime.DeadLetters;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when Kafka refuses a record a topology produces. A dead letter too large for the dead-letter topic is
 * sent again without its value (its key and headers still say where the original is, plus {@value
 * DeadLetters#VALUE_DROPPED}); a record too large for one of the app's output topics ({@link #OUTPUT_TOPICS})
 * becomes such a dead letter; processing resumes. Any other failure, a too-large record of an internal topic
 * (changelog, repartition) included, stops the app, so nothing is lost silently and the uncommitted records are
 * processed again after a restart.
 *
 * <p>Configured from the Streams properties {@link DeadLetterProcessingHandler#DLQ_TOPIC}, {@link
 * DeadLetterProcessingHandler#DLQ_COUNTER}, {@link #OUTPUT_TOPICS} and {@link #ERRORS_COUNTER}.
 */
public final class CountingProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CountingProductionExceptionHandler.class);

    /** Streams property: the output topics whose too-large records become dead letters (collection or CSV). */
    public static final String OUTPUT_TOPICS = "temporalcdc.output.topics";
    /** Streams property: the Micrometer {@link Counter} of records Kafka Streams failed to produce (optional). */
    public static final String ERRORS_COUNTER = "temporalcdc.production.errors.counter";

    private String dlqTopic;
    private Set<String> outputTopics = Set.of();
    private Counter deadLettered;
    private Counter errors;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(DeadLetterProcessingHandler.DLQ_TOPIC);
        dlqTopic = topic == null ? null : topic.toString();
        Object outputs = configs.get(OUTPUT_TOPICS);
        if (outputs instanceof Collection<?> names) {
            outputTopics = names.stream().map(String::valueOf).collect(Collectors.toUnmodifiableSet());
        } else if (outputs != null) {
            outputTopics = Arrays.stream(outputs.toString().split(","))
                    .map(String::trim)
                    .filter(name -> !name.isEmpty())
                    .collect(Collectors.toUnmodifiableSet());
        }
        deadLettered = configs.get(DeadLetterProcessingHandler.DLQ_COUNTER) instanceof Counter c ? c : null;
        errors = configs.get(ERRORS_COUNTER) instanceof Counter c ? c : null;
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        count();
        boolean ours = record.topic().equals(dlqTopic) || outputTopics.contains(record.topic());
        if (!(exception instanceof RecordTooLargeException) || record.value() == null || dlqTopic == null || !ours) {
            // internal topics (changelogs, repartition topics) must never drop a record silently
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
        if (deadLettered != null) {
            deadLettered.increment();
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
        if (errors != null) {
            errors.increment();
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
