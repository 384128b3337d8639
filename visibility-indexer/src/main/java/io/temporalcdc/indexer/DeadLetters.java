package io.temporalcdc.indexer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers a dead-lettered record carries besides its original ones: why it was rejected and where it
 * came from.
 */
public final class DeadLetters {
    /** Why the record was rejected, e.g. {@code mapping: workflow_id is missing or NULL}. */
    public static final String REASON = "dlq.reason";
    /** The class of the exception that rejected it. */
    public static final String EXCEPTION = "dlq.exception";
    /** The topic the record was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** The partition the record was read from. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** The offset the record was read from. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";

    private static final int MAX_REASON_CHARS = 2_000;

    private DeadLetters() {}

    /** @return a copy of {@code original} with the dead-letter headers added (replacing earlier ones) */
    public static Headers headers(
            Headers original, String reason, Throwable exception, String topic, int partition, long offset) {
        RecordHeaders headers =
                new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        put(headers, REASON, truncate(reason));
        put(headers, EXCEPTION, exception == null ? "" : exception.getClass().getName());
        put(headers, SOURCE_TOPIC, topic == null ? "" : topic);
        put(headers, SOURCE_PARTITION, Integer.toString(partition));
        put(headers, SOURCE_OFFSET, Long.toString(offset));
        return headers;
    }

    private static void put(Headers headers, String key, String value) {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static String truncate(String reason) {
        String text = reason == null ? "" : reason;
        return text.length() <= MAX_REASON_CHARS ? text : text.substring(0, MAX_REASON_CHARS) + "...";
    }
}
