package io.temporalcdc.indexer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The indexer's own meters. Prometheus names: {@code visibility_indexer_documents_indexed_total},
 * {@code visibility_indexer_documents_deleted_total}, {@code visibility_indexer_stale_writes_total},
 * {@code visibility_indexer_dlq_records_total}, {@code visibility_indexer_truncates_total},
 * {@code visibility_indexer_tombstones_total}, {@code visibility_indexer_production_errors_total} and the timer
 * {@code visibility_indexer_commit_to_indexed_seconds} (source commit {@code ts_ms} → Elasticsearch ack) with
 * the quantiles 0.5 and 0.99.
 */
public final class IndexerMetrics {
    private final Counter indexed;
    private final Counter deleted;
    private final Counter stale;
    private final Counter deadLettered;
    private final Counter truncates;
    private final Counter tombstones;
    private final Counter productionErrors;
    private final Timer commitToIndexed;

    /** @param registry where the meters are registered (the same meters for every caller) */
    public IndexerMetrics(MeterRegistry registry) {
        indexed = counter(registry, "documents.indexed", "Documents indexed (acknowledged by Elasticsearch)");
        deleted = counter(registry, "documents.deleted", "Documents deleted (acknowledged by Elasticsearch)");
        stale = counter(registry, "stale.writes", "Writes answered 409: Elasticsearch already holds a newer version");
        deadLettered = counter(registry, "dlq.records", "Records sent to the dead-letter topic");
        truncates = counter(registry, "truncates", "TRUNCATE events seen (logged, not applied)");
        tombstones = counter(registry, "tombstones", "Tombstones skipped");
        productionErrors = counter(registry, "production.errors", "Records Kafka Streams failed to produce");
        commitToIndexed = Timer.builder("visibility.indexer.commit.to.indexed")
                .description("From the source commit (source.ts_ms) to the Elasticsearch acknowledgement")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder("visibility.indexer." + name)
                .description(description)
                .register(registry);
    }

    void indexed(long sourceTsMs, long nowMs) {
        indexed.increment();
        latency(sourceTsMs, nowMs);
    }

    void deleted(long sourceTsMs, long nowMs) {
        deleted.increment();
        latency(sourceTsMs, nowMs);
    }

    void stale() {
        stale.increment();
    }

    void deadLettered() {
        deadLettered.increment();
    }

    void truncate() {
        truncates.increment();
    }

    void tombstone() {
        tombstones.increment();
    }

    void productionError() {
        productionErrors.increment();
    }

    private void latency(long sourceTsMs, long nowMs) {
        if (sourceTsMs > 0) {
            commitToIndexed.record(Duration.ofMillis(Math.max(0, nowMs - sourceTsMs)));
        }
    }
}
