package io.temporalcdc.runtime.streams;

import io.micrometer.core.instrument.Counter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;

/** Puts the shared error handlers, and what they need, into an app's Kafka Streams properties. */
public final class StreamsErrorHandling {
    private StreamsErrorHandling() {}

    /**
     * Registers {@link DeadLetterProcessingHandler} and {@link CountingProductionExceptionHandler} unless the
     * properties already name handlers (an operator's {@code streams.*} choice wins), and their settings.
     *
     * @param outputTopics the app's output topics, whose too-large records become dead letters
     */
    public static void configure(
            Map<String, Object> props,
            String dlqTopic,
            Collection<String> outputTopics,
            Counter deadLettered,
            Counter productionErrors) {
        props.putIfAbsent(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class);
        props.putIfAbsent(
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProductionExceptionHandler.class);
        props.put(DeadLetterProcessingHandler.DLQ_TOPIC, dlqTopic);
        props.put(CountingProductionExceptionHandler.OUTPUT_TOPICS, List.copyOf(outputTopics));
        props.put(DeadLetterProcessingHandler.DLQ_COUNTER, deadLettered);
        props.put(CountingProductionExceptionHandler.ERRORS_COUNTER, productionErrors);
    }
}
