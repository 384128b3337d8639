package io.temporalcdc.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Numbers in Kafka record headers as decimal text, the form Kafka Connect's {@code SimpleHeaderConverter} reads (so
 * Connect sinks can use them too): the apps' {@code version} and {@code source.ts.ms} headers.
 */
public final class DecimalHeaders {
    /** The source commit time of the change a record came from, epoch milliseconds. */
    public static final String SOURCE_TS_MS = "source.ts.ms";

    private DecimalHeaders() {}

    /** Adds header {@code name} with {@code value} as decimal text. */
    public static Headers add(Headers headers, String name, long value) {
        return headers.add(name, Long.toString(value).getBytes(StandardCharsets.UTF_8));
    }

    /** @return the decimal header {@code name}, or -1 when it is absent or not a number */
    public static long read(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        if (header == null || header.value() == null) {
            return -1;
        }
        try {
            return Long.parseLong(new String(header.value(), StandardCharsets.UTF_8).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
