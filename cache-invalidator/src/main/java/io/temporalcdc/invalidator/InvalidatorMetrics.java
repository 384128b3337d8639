package io.temporalcdc.invalidator;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The invalidator's own meters (Prometheus names; the sink adds {@code cache_invalidator_sink_*}: batches, retries,
 * dead letters, read→acknowledged):
 *
 * <ul>
 *   <li>{@code cache_invalidator_changes_total}: changes mapped to keys; {@code cache_invalidator_keys_per_change}:
 *       how many keys each one invalidates;
 *   <li>{@code cache_invalidator_invalidations_total}: keys unlinked and fenced (after coalescing), {@code
 *       _keys_deleted_total} of which were cached, {@code _coalesced_total}: records folded into another record of
 *       the same key in their batch;
 *   <li>{@code cache_invalidator_redis_seconds}: one round trip of a batch's script calls (histogram);
 *   <li>{@code cache_invalidator_commit_to_invalidated_seconds}: source commit → key gone and fenced, quantiles 0.5
 *       and 0.99 over about the last 30 s;
 *   <li>{@code cache_invalidator_wait_shortfalls_total}: batches fewer replicas acknowledged than {@code
 *       redis.wait.replicas} (retried); {@code cache_invalidator_fence_lsn}: the last fence written;
 *   <li>{@code cache_invalidator_dlq_records_total}, {@code _production_errors_total}, {@code _truncates_total},
 *       {@code _tombstones_total}.
 * </ul>
 */
public final class InvalidatorMetrics {
    private final Counter changes;
    private final DistributionSummary keysPerChange;
    private final Counter invalidations;
    private final Counter keysDeleted;
    private final Counter coalesced;
    private final Counter waitShortfalls;
    private final Counter deadLetters;
    private final Counter productionErrors;
    private final Counter truncates;
    private final Counter tombstones;
    private final Counter winnersUnreadable;
    private final java.util.concurrent.atomic.AtomicLong lastUnreadableLogMs =
            new java.util.concurrent.atomic.AtomicLong();
    private final Timer redis;
    private final Timer commitToInvalidated;
    private final AtomicLong fence = new AtomicLong();

    public InvalidatorMetrics(MeterRegistry registry) {
        changes = counter(registry, "changes", "Changes mapped to Redis keys");
        keysPerChange = DistributionSummary.builder("cache.invalidator.keys.per.change")
                .description("Keys one change invalidates")
                .register(registry);
        invalidations = counter(registry, "invalidations", "Keys unlinked and fenced (after coalescing)");
        keysDeleted = counter(registry, "keys.deleted", "Invalidated keys that were cached");
        coalesced = counter(registry, "coalesced", "Records folded into a record of the same key in their batch");
        waitShortfalls = counter(registry, "wait.shortfalls", "Batches too few replicas acknowledged (retried)");
        deadLetters = counter(registry, "dlq.records", "Records the topology sent to the dead-letter topic");
        productionErrors = counter(registry, "production.errors", "Records Kafka Streams failed to produce");
        truncates = counter(registry, "truncates", "TRUNCATE events (dead-lettered: they name no key)");
        tombstones = counter(registry, "tombstones", "Tombstones skipped");
        winnersUnreadable = counter(
                registry,
                "winner.versions.unreadable",
                "Changes of temporal.executions whose conflict version could not be read (keys invalidated, winner"
                        + " fence not raised)");
        redis = Timer.builder("cache.invalidator.redis")
                .description("One batch's script calls, sent pipelined, until Redis answered them all")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
        commitToInvalidated = Timer.builder("cache.invalidator.commit.to.invalidated")
                .description("From the source commit (source.ts_ms) to the key unlinked and fenced")
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofSeconds(30))
                .distributionStatisticBufferLength(3)
                .register(registry);
        Gauge.builder("cache.invalidator.fence.lsn", fence, AtomicLong::get)
                .description("The last fence written (the primary's WAL position, as a number)")
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder("cache.invalidator." + name)
                .description(description)
                .register(registry);
    }

    void mapped(int keys) {
        changes.increment();
        keysPerChange.record(keys);
    }

    void tombstone() {
        tombstones.increment();
    }

    void truncate() {
        truncates.increment();
    }

    /** A batch's keys were unlinked and fenced. */
    public void invalidated(int keys, long deleted, int folded, long fenceLsn) {
        invalidations.increment(keys);
        keysDeleted.increment(deleted);
        coalesced.increment(folded);
        fence.accumulateAndGet(fenceLsn, Math::max);
    }

    /** One record's change reached Redis. */
    public void latency(long sourceTsMs, long nowMs) {
        if (sourceTsMs > 0) {
            commitToInvalidated.record(Duration.ofMillis(Math.max(0, nowMs - sourceTsMs)));
        }
    }

    public Timer redisTimer() {
        return redis;
    }

    /**
     * A change's conflict version could not be read: its keys are invalidated, its winner fence is not raised. Counted,
     * and logged at most once a minute.
     */
    public void winnerUnreadable(String why) {
        winnersUnreadable.increment();
        long now = System.currentTimeMillis();
        long last = lastUnreadableLogMs.get();
        if (now - last >= 60_000 && lastUnreadableLogMs.compareAndSet(last, now)) {
            org.slf4j.LoggerFactory.getLogger(InvalidatorMetrics.class)
                    .warn(
                            "A conflict version could not be read, the winner fence is not raised (keys invalidated"
                                    + " all the same; counted in cache_invalidator_winner_versions_unreadable_total): {}",
                            why);
        }
    }

    public void waitShortfall() {
        waitShortfalls.increment();
    }

    /** @return the counter of records the topology dead-lettered, for the shared error handlers */
    public Counter deadLetters() {
        return deadLetters;
    }

    /** @return the counter of records Kafka Streams failed to produce, for the shared error handlers */
    public Counter productionErrors() {
        return productionErrors;
    }
}
