package io.temporalcdc.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The one shape of a dead letter, for every app and every stage (a Kafka Streams processing-exception handler, a
 * sink that Elasticsearch or Redis refused a record to): the original key, value and headers, plus why it was
 * rejected and where it came from.
 */
public final class DeadLetters {
    /** Why the record was rejected, e.g. {@code unmappable: workflow_id is missing or NULL}. */
    public static final String REASON = "dlq.reason";
    /** The class of the exception that rejected it. */
    public static final String EXCEPTION = "dlq.exception";
    /** The topic the record was read from. */
    public static final String SOURCE_TOPIC = "dlq.source.topic";
    /** The partition the record was read from. */
    public static final String SOURCE_PARTITION = "dlq.source.partition";
    /** The offset the record was read from. */
    public static final String SOURCE_OFFSET = "dlq.source.offset";
    /** Present when the dead letter was sent without its value because the whole record was too large. */
    public static final String VALUE_DROPPED = "dlq.value.dropped";

    private static final int MAX_REASON_CHARS = 2_000;

    private DeadLetters() {}

    /** Where a rejected record was read from. */
    public record Origin(String topic, int partition, long offset) {}

    /**
     * @return the dead letter for a record read at {@code origin}: its key, value and headers plus the dead-letter
     *     headers
     */
    public static ProducerRecord<byte[], byte[]> record(
            String dlqTopic,
            byte[] key,
            byte[] value,
            Headers original,
            String reason,
            String exceptionClass,
            Origin origin) {
        return new ProducerRecord<>(dlqTopic, null, key, value, headers(original, reason, exceptionClass, origin));
    }

    /**
     * @return the dead letter again without its value, for a record the dead-letter topic refused as too large: the
     *     key and headers still say where the original is
     */
    public static ProducerRecord<byte[], byte[]> withoutValue(ProducerRecord<byte[], byte[]> record, String why) {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        int size = record.value() == null ? 0 : record.value().length;
        put(headers, VALUE_DROPPED, size + " bytes: " + why);
        return new ProducerRecord<>(record.topic(), null, record.key(), null, headers);
    }

    /** @return a copy of {@code original} with the dead-letter headers added (replacing earlier ones) */
    public static Headers headers(Headers original, String reason, String exceptionClass, Origin origin) {
        RecordHeaders headers =
                new RecordHeaders(original == null ? new RecordHeaders().toArray() : original.toArray());
        put(headers, REASON, truncate(reason));
        put(headers, EXCEPTION, exceptionClass == null ? "" : exceptionClass);
        put(headers, SOURCE_TOPIC, origin.topic() == null ? "" : origin.topic());
        put(headers, SOURCE_PARTITION, Integer.toString(origin.partition()));
        put(headers, SOURCE_OFFSET, Long.toString(origin.offset()));
        return headers;
    }

    /** @return the text of header {@code key}, or null */
    public static String header(Headers headers, String key) {
        var header = headers == null ? null : headers.lastHeader(key);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
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
