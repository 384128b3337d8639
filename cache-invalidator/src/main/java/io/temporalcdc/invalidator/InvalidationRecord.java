package io.temporalcdc.invalidator;

import io.temporalcdc.runtime.DecimalHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record of the invalidations topic ({@code <prefix>.cache.invalidations}): the key is the Redis key (UTF-8), the
 * value the change topic the invalidation came from (never null, so compaction keeps each key's latest record), and
 * the header {@value #SOURCE_TS_MS} the source commit time (epoch milliseconds, decimal).
 */
public final class InvalidationRecord {
    /** The source commit time of the change, epoch milliseconds, decimal. */
    public static final String SOURCE_TS_MS = DecimalHeaders.SOURCE_TS_MS;

    private InvalidationRecord() {}

    /** @return the headers of an invalidation */
    public static Headers headers(long sourceTsMs) {
        return DecimalHeaders.add(new RecordHeaders(), SOURCE_TS_MS, sourceTsMs);
    }

    /** @return the source commit time, or -1 when the header is absent or not a number */
    public static long sourceTsMs(Headers headers) {
        return DecimalHeaders.read(headers, SOURCE_TS_MS);
    }
}
