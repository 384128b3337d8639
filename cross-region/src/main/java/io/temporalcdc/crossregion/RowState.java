package io.temporalcdc.crossregion;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the regions have of one row (table and key): each region's latest version with its commit time, the version
 * they last agreed on, since when they disagree (wall clock, -1 while they agree) and since when that disagreement is
 * an open divergence (-1: none).
 */
public final class RowState {
    /** One region's latest change of the row. */
    public record Seen(
            @JsonProperty("version") String version,
            @JsonProperty("commitMs") long commitMs,
            @JsonProperty("capturedMs") long capturedMs,
            @JsonProperty("snapshot") boolean snapshot) {}

    private final TreeMap<String, Seen> regions;
    private long disagreeSinceMs;
    private long divergenceOpenedMs;
    private String agreedVersion;

    /** A row no region has seen yet. */
    public RowState() {
        this(new TreeMap<>(), -1, -1, null);
    }

    @JsonCreator
    RowState(
            @JsonProperty("regions") Map<String, Seen> regions,
            @JsonProperty("disagreeSinceMs") long disagreeSinceMs,
            @JsonProperty("divergenceOpenedMs") long divergenceOpenedMs,
            @JsonProperty("agreedVersion") String agreedVersion) {
        this.regions = new TreeMap<>(regions);
        this.disagreeSinceMs = disagreeSinceMs;
        this.divergenceOpenedMs = divergenceOpenedMs;
        this.agreedVersion = agreedVersion;
    }

    /** @return the version every region last had at once (a re-synced row returning to it was not replicated) */
    @JsonProperty("agreedVersion")
    public String agreedVersion() {
        return agreedVersion;
    }

    void agreedVersion(String version) {
        this.agreedVersion = version;
    }

    @JsonProperty("regions")
    public Map<String, Seen> regions() {
        return regions;
    }

    @JsonProperty("disagreeSinceMs")
    public long disagreeSinceMs() {
        return disagreeSinceMs;
    }

    @JsonProperty("divergenceOpenedMs")
    public long divergenceOpenedMs() {
        return divergenceOpenedMs;
    }

    void disagreeSince(long ms) {
        this.disagreeSinceMs = ms;
    }

    void divergenceOpened(long ms) {
        this.divergenceOpenedMs = ms;
    }

    /** @return whether a divergence of this row is open */
    public boolean divergent() {
        return divergenceOpenedMs >= 0;
    }
}
