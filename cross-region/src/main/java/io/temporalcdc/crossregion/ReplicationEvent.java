package io.temporalcdc.crossregion;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * An event of {@code <prefix>.replication-events} (JSON, keyed by {@code table/key}).
 *
 * <ul>
 *   <li>{@code replicated}: a row version reached {@code region}, {@code lagMs} after it was committed in {@code
 *       originRegion}: {@code capturedMs} (when {@code region}'s cdc-source captured it) − {@code originCommitMs};
 *   <li>{@code divergence-opened}: the regions have disagreed on the row for longer than the bound; {@code
 *       versions} says what each has ({@code null}: nothing);
 *   <li>{@code divergence-closed}: they agree again, on {@code version}, after {@code openForMs}.
 * </ul>
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicationEvent(
        String type,
        String table,
        String key,
        String version,
        String originRegion,
        String region,
        Long originCommitMs,
        Long capturedMs,
        Long lagMs,
        Map<String, String> versions,
        Long sinceMs,
        Long openForMs,
        long atMs) {
    public static final String REPLICATED = "replicated";
    public static final String DIVERGENCE_OPENED = "divergence-opened";
    public static final String DIVERGENCE_CLOSED = "divergence-closed";

    static ReplicationEvent replicated(
            String table,
            String key,
            String version,
            String originRegion,
            long originCommitMs,
            String region,
            long capturedMs,
            long nowMs) {
        return new ReplicationEvent(
                REPLICATED,
                table,
                key,
                version,
                originRegion,
                region,
                originCommitMs,
                capturedMs,
                capturedMs - originCommitMs,
                null,
                null,
                null,
                nowMs);
    }

    static ReplicationEvent opened(String table, String key, Map<String, String> versions, long since, long nowMs) {
        return new ReplicationEvent(
                DIVERGENCE_OPENED, table, key, null, null, null, null, null, null, versions, since, null, nowMs);
    }

    static ReplicationEvent closed(String table, String key, String version, long openedMs, long nowMs) {
        return new ReplicationEvent(
                DIVERGENCE_CLOSED,
                table,
                key,
                version,
                null,
                null,
                null,
                null,
                null,
                null,
                openedMs,
                nowMs - openedMs,
                nowMs);
    }
}
