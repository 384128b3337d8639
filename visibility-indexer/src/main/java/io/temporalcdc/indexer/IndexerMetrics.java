package io.temporalcdc.indexer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The indexer's own meters (Prometheus names):
 *
 * <ul>
 *   <li>{@code visibility_indexer_documents_indexed_total}, {@code _documents_deleted_total}: writes Elasticsearch
 *       applied; {@code _deletes_not_found_total}: deletes of a document that was not there (the version is still
 *       recorded);
 *   <li>{@code visibility_indexer_replayed_writes_total}: writes Elasticsearch already had (the same version, or
 *       a newer one for a change committed more than the freshness window ago): redeliveries and replays, harmless;
 *   <li>{@code visibility_indexer_stale_writes_total}: writes of recent changes that Elasticsearch already holds a
 *       newer version of; a steady stream of them with nothing applied means the source's LSNs went backwards
 *       (see {@code visibility_indexer_index_frozen});
 *   <li>{@code visibility_indexer_index_frozen}: 1 while every recent change (100 in a row, for 30 s) is refused
 *       as older than what is indexed;
 *   <li>{@code visibility_indexer_dlq_records_total}: records the topology sent to the dead-letter topic (the
 *       sink's are {@code visibility_indexer_sink_dead_letters_total});
 *   <li>{@code visibility_indexer_replayed_changes_total}, {@code _redelivered_changes_total}: changes older than,
 *       or the same as, the last one the joiner applied to their row;
 *   <li>{@code visibility_indexer_unknown_attributes_dropped_total}: unregistered search attributes left out;
 *   <li>{@code visibility_indexer_truncates_total}, {@code _tombstones_total}, {@code _production_errors_total};
 *   <li>the timer {@code visibility_indexer_commit_to_indexed_seconds}: source commit → Elasticsearch
 *       acknowledgement, quantiles 0.5 and 0.99
 *       over about the last 30 s.
 * </ul>
 */
public final class IndexerMetrics {
    private final Counter indexed;
    private final Counter deleted;
    private final Counter deleteNotFound;
    private final Counter replayedWrites;
    private final Counter staleWrites;
    private final Counter deadLettered;
    private final Counter replayedChanges;
    private final Counter redeliveredChanges;
    private final Counter supersededChanges;
    private final Counter droppedAttributes;
    private final Counter invalidAttributeValues;
    private final Counter truncates;
    private final Counter tombstones;
    private final Counter productionErrors;
    private final Timer commitToIndexed;
    private final AtomicInteger frozen = new AtomicInteger();
    private final AtomicInteger staleInARow = new AtomicInteger();
    private final AtomicLong lastFrozenLog = new AtomicLong();

    /** Recent changes refused in a row, for at least {@link #FROZEN_AFTER_MS}, before the index counts as frozen. */
    static final int FROZEN_AFTER = 100;

    static final long FROZEN_AFTER_MS = 30_000;
    private final AtomicLong firstStaleMs = new AtomicLong();

    private static final long FROZEN_LOG_EVERY_MS = 60_000;
    private static final Logger LOG = LoggerFactory.getLogger(IndexerMetrics.class);

    private static final Map<MeterRegistry, IndexerMetrics> BY_REGISTRY = new WeakHashMap<>();

    /** @return the indexer's meters in {@code registry}: one instance per registry, shared by every caller */
    public static IndexerMetrics of(MeterRegistry registry) {
        synchronized (BY_REGISTRY) {
            return BY_REGISTRY.computeIfAbsent(registry, IndexerMetrics::new);
        }
    }

    private IndexerMetrics(MeterRegistry registry) {
        indexed = counter(registry, "documents.indexed", "Documents indexed (acknowledged by Elasticsearch)");
        deleted = counter(registry, "documents.deleted", "Documents deleted (acknowledged by Elasticsearch)");
        deleteNotFound = counter(registry, "deletes.not.found", "Deletes of documents that were not indexed");
        replayedWrites = counter(
                registry, "replayed.writes", "Writes Elasticsearch already had: redeliveries and replays (harmless)");
        staleWrites = counter(
                registry, "stale.writes", "Writes of recent changes answered with a newer version already indexed");
        deadLettered = counter(registry, "dlq.records", "Records sent to the dead-letter topic");
        replayedChanges = counter(registry, "replayed.changes", "Changes older than the row's last applied change");
        redeliveredChanges = counter(registry, "redelivered.changes", "Changes equal to the row's last applied change");
        supersededChanges = counter(
                registry,
                "superseded.changes",
                "Changes of a region whose execution lost to another region's higher version (kept, not written)");
        droppedAttributes =
                counter(registry, "unknown.attributes.dropped", "Unregistered search attributes left out of documents");
        invalidAttributeValues = counter(
                registry,
                "invalid.attribute.values.dropped",
                "Search attribute values Temporal's Elasticsearch visibility leaves out (a datetime outside 1970-2262,"
                        + " a string over 32766 bytes), left out");
        truncates = counter(registry, "truncates", "TRUNCATE events seen (logged, not applied)");
        tombstones = counter(registry, "tombstones", "Tombstones skipped");
        productionErrors = counter(registry, "production.errors", "Records Kafka Streams failed to produce");
        commitToIndexed = Timer.builder("visibility.indexer.commit.to.indexed")
                .description("From the source commit (source.ts_ms) to the Elasticsearch acknowledgement")
                .publishPercentiles(0.5, 0.99)
                // recent quantiles: a window of about 30 s, rotated every 10 s
                .distributionStatisticExpiry(Duration.ofSeconds(30))
                .distributionStatisticBufferLength(3)
                .register(registry);
        Gauge.builder("visibility.indexer.index.frozen", frozen, AtomicInteger::get)
                .description("1 while every recent change is answered with a newer version (source LSNs went back)")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder("visibility.indexer." + name)
                .description(description)
                .register(registry);
    }

    public void indexed(long sourceTsMs, long nowMs) {
        indexed.increment();
        changeApplied();
        latency(sourceTsMs, nowMs);
    }

    public void deleted(long sourceTsMs, long nowMs) {
        deleted.increment();
        changeApplied();
        latency(sourceTsMs, nowMs);
    }

    public void deleteNotFound(long sourceTsMs, long nowMs) {
        deleteNotFound.increment();
        latency(sourceTsMs, nowMs);
    }

    public void replayedWrite() {
        replayedWrites.increment();
    }

    /**
     * A change committed within the freshness window was refused as older than what the index (or the joiner's
     * state) already holds: harmless once in a while (a race after a crash), but if every recent change is, the
     * source's LSNs went backwards and the index no longer changes.
     *
     * @param example names the change, for the log line
     */
    public void staleWrite(String example) {
        staleWrites.increment();
        long now = System.currentTimeMillis();
        int inARow = staleInARow.incrementAndGet();
        if (inARow == 1) {
            firstStaleMs.set(now);
        }
        // a burst after a crash (state restored ahead of the committed offsets) is short: frozen means it lasts
        if (inARow >= FROZEN_AFTER && now - firstStaleMs.get() >= FROZEN_AFTER_MS) {
            frozen.set(1);
            long last = lastFrozenLog.get();
            if (now - last >= FROZEN_LOG_EVERY_MS && lastFrozenLog.compareAndSet(last, now)) {
                LOG.error(
                        "The index looks frozen: the last {} recent changes were all refused as older than what is"
                                + " indexed (e.g. {}). If the source database was restored or moved, its LSNs went"
                                + " back: add the cut-over instant to version.epoch.starts and re-snapshot (README,"
                                + " \"Restore or cluster move\").",
                        inARow,
                        example);
            }
        }
    }

    /** A recent change was applied: the index is not frozen. */
    public void changeApplied() {
        if (staleInARow.getAndSet(0) >= FROZEN_AFTER && frozen.getAndSet(0) == 1) {
            LOG.info("Changes reach the index again: it is no longer frozen");
        }
    }

    /** @return the counter of records the topology dead-lettered, for the shared error handlers */
    public Counter deadLetters() {
        return deadLettered;
    }

    public void replayed() {
        replayedChanges.increment();
    }

    public void redelivered() {
        redeliveredChanges.increment();
    }

    /** A region's change was kept but not written: another region's state of the run wins. */
    public void superseded() {
        supersededChanges.increment();
    }

    public void droppedAttribute() {
        droppedAttributes.increment();
    }

    public void invalidAttributeValue() {
        invalidAttributeValues.increment();
    }

    public void truncate() {
        truncates.increment();
    }

    public void tombstone() {
        tombstones.increment();
    }

    /** @return the counter of records Kafka Streams failed to produce, for the shared error handlers */
    public Counter productionErrors() {
        return productionErrors;
    }

    private void latency(long sourceTsMs, long nowMs) {
        if (sourceTsMs > 0) {
            commitToIndexed.record(Duration.ofMillis(Math.max(0, nowMs - sourceTsMs)));
        }
    }
}
