package io.temporalcdc.invalidator;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record of the invalidations topic ({@code <prefix>.cache.invalidations}): the key is the Redis key (UTF-8), the
 * value the change topic the invalidation came from (never null, so compaction keeps each key's latest record), and
 * the header {@value #SOURCE_TS_MS} the source commit time (epoch milliseconds, decimal).
 */
public final class InvalidationRecord {
    /** The source commit time of the change, epoch milliseconds, decimal. */
    public static final String SOURCE_TS_MS = "source.ts.ms";

    private InvalidationRecord() {}

    /** @return the headers of an invalidation */
    public static Headers headers(long sourceTsMs) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(SOURCE_TS_MS, Long.toString(sourceTsMs).getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /** @return the source commit time, or -1 when the header is absent or not a number */
    public static long sourceTsMs(Headers headers) {
        Header header = headers.lastHeader(SOURCE_TS_MS);
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
