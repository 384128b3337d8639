package io.temporalcdc.cli;

import io.temporalcdc.runtime.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** One record of a dead-letter topic, with the {@link DeadLetters} headers read. */
public record DeadLetter(ConsumerRecord<byte[], byte[]> record) {

    public int partition() {
        return record.partition();
    }

    public long offset() {
        return record.offset();
    }

    public Instant time() {
        return Instant.ofEpochMilli(record.timestamp());
    }

    public String reason() {
        return orEmpty(DeadLetters.header(record.headers(), DeadLetters.REASON));
    }

    public String exception() {
        return orEmpty(DeadLetters.header(record.headers(), DeadLetters.EXCEPTION));
    }

    public String sourceTopic() {
        return orEmpty(DeadLetters.header(record.headers(), DeadLetters.SOURCE_TOPIC));
    }

    public int sourcePartition() {
        return number(DeadLetters.SOURCE_PARTITION);
    }

    public long sourceOffset() {
        String text = DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET);
        return text == null || text.isBlank() ? -1 : Long.parseLong(text.trim());
    }

    /** @return why the value is missing, or null when the dead letter has it */
    public String valueDropped() {
        return DeadLetters.header(record.headers(), DeadLetters.VALUE_DROPPED);
    }

    /** @return the record's own headers, without the dead-letter ones */
    public RecordHeaders originalHeaders() {
        RecordHeaders headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith("dlq.")) {
                headers.add(header.key(), header.value());
            }
        }
        return headers;
    }

    /** @return {@code <partition>@<offset>} in the dead-letter topic */
    public String position() {
        return record.partition() + "@" + record.offset();
    }

    /** @return {@code <topic>-<partition>@<offset>} of the record it was */
    public String source() {
        return sourceTopic() + "-" + sourcePartition() + "@" + sourceOffset();
    }

    private int number(String header) {
        String text = DeadLetters.header(record.headers(), header);
        return text == null || text.isBlank() ? -1 : Integer.parseInt(text.trim());
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }

    /** @return bytes as UTF-8 text when they are, else base64 (Avro, binary) */
    static String text(byte[] bytes) {
        if (bytes == null) {
            return "(null)";
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        boolean printable =
                text.chars().noneMatch(c -> c == 0xFFFD || (c < 0x20 && c != '\n' && c != '\r' && c != '\t'));
        return printable ? text : "base64:" + java.util.Base64.getEncoder().encodeToString(bytes);
    }
}
