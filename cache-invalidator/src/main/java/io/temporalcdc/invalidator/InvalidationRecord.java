package io.temporalcdc.invalidator;

import io.temporalcdc.runtime.DecimalHeaders;
import io.temporalcdc.schemas.ConflictVersion;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * A record of the invalidations topic ({@code <prefix>.cache.invalidations}): the key is the Redis key (UTF-8), the
 * value the change topic the invalidation came from (never null, so compaction keeps each key's latest record), and
 * the header {@value #SOURCE_TS_MS} the source commit time (epoch milliseconds, decimal). With several regions, a
 * change of {@code temporal.executions} also names its run ({@value #WINNER_RUN}) and the run's conflict version
 * ({@value #WINNER_VERSION}, {@link ConflictVersion#text()}), which the sink raises the key's winner fence to.
 */
public final class InvalidationRecord {
    /** The source commit time of the change, epoch milliseconds, decimal. */
    public static final String SOURCE_TS_MS = DecimalHeaders.SOURCE_TS_MS;
    /** The run id of a {@code temporal.executions} change (several regions). */
    public static final String WINNER_RUN = "temporal-cdc.winner.run";
    /** The run's conflict version as that change left it (several regions). */
    public static final String WINNER_VERSION = "temporal-cdc.winner.version";

    /** A run and its conflict version, as a record names them. */
    public record Winner(String runId, ConflictVersion version) {}

    private InvalidationRecord() {}

    /** @return the headers of an invalidation */
    public static Headers headers(long sourceTsMs) {
        return DecimalHeaders.add(new RecordHeaders(), SOURCE_TS_MS, sourceTsMs);
    }

    /** @return the headers of an invalidation that also raises the winner fence of {@code winner}'s run */
    public static Headers headers(long sourceTsMs, Winner winner) {
        Headers headers = headers(sourceTsMs);
        headers.add(WINNER_RUN, winner.runId().getBytes(StandardCharsets.UTF_8));
        headers.add(WINNER_VERSION, winner.version().text().getBytes(StandardCharsets.UTF_8));
        return headers;
    }

    /**
     * @return the run and conflict version the record names, empty when it names none
     * @throws IllegalArgumentException when the version header is not a conflict version
     */
    public static Optional<Winner> winner(Headers headers) {
        Header run = headers.lastHeader(WINNER_RUN);
        Header version = headers.lastHeader(WINNER_VERSION);
        if (run == null || version == null || run.value() == null || version.value() == null) {
            return Optional.empty();
        }
        return Optional.of(new Winner(
                new String(run.value(), StandardCharsets.UTF_8),
                ConflictVersion.parse(new String(version.value(), StandardCharsets.UTF_8))));
    }

    /** @return the source commit time, or -1 when the header is absent or not a number */
    public static long sourceTsMs(Headers headers) {
        return DecimalHeaders.read(headers, SOURCE_TS_MS);
    }
}
