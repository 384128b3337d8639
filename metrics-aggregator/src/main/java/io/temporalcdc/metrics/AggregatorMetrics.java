package io.temporalcdc.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The aggregator's own meters (Prometheus names):
 *
 * <ul>
 *   <li>{@code metrics_aggregator_changes_total}: changes counted; {@code _replayed_total}: changes already counted
 *       or older than the run's last one (a redelivery, a snapshot overlap), skipped; {@code _outside_window_total}:
 *       changes of runs whose day is outside the window;
 *   <li>{@code metrics_aggregator_commit_to_aggregated_seconds}: source commit → the group updated in the state store
 *       (what the API answers from), quantiles 0.5 and 0.99 over about the last 30 s;
 *   <li>{@code metrics_aggregator_rolling_started}, {@code _rolling_closed} (tag {@code status}), {@code
 *       _rolling_p95_duration_seconds}: the rolling windows, tagged {@code namespace}, {@code workflow_type}, {@code
 *       window} ({@code 1h}, {@code 24h}), recomputed every {@code rolling.update.interval} by the instance that owns
 *       the type;
 *   <li>{@code metrics_aggregator_dlq_records_total}, {@code _production_errors_total}, {@code _tombstones_total},
 *       {@code _takebacks_skipped_total} (a take-back that found its day or minute gone: only when the wall clock
 *       went back across a purge).
 * </ul>
 */
public final class AggregatorMetrics {
    private final MeterRegistry registry;
    private final Counter changes;
    private final Counter replayed;
    private final Counter outsideWindow;
    private final Counter deadLetters;
    private final Counter productionErrors;
    private final Counter tombstones;
    private final Counter takebacksSkipped;
    private final Timer commitToAggregated;
    private final Map<String, Series> rolling = new ConcurrentHashMap<>();

    public AggregatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        changes = counter("changes", "Changes counted");
        replayed = counter("replayed", "Changes already counted or older than the run's last one, skipped");
        outsideWindow = counter("outside.window", "Changes of runs whose day of start_time is outside the window");
        deadLetters = counter("dlq.records", "Records the topology sent to the dead-letter topic");
        productionErrors = counter("production.errors", "Records Kafka Streams failed to produce");
        tombstones = counter("tombstones", "Tombstones skipped");
        takebacksSkipped =
                counter("takebacks.skipped", "Take-backs that found their day or minute gone (the clock went back)");
        commitToAggregated = Timer.builder("metrics.aggregator.commit.to.aggregated")
                .description("From the source commit (source.ts_ms) to the run's group updated")
                .publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofSeconds(30))
                .distributionStatisticBufferLength(3)
                .register(registry);
    }

    private Counter counter(String name, String description) {
        return Counter.builder("metrics.aggregator." + name)
                .description(description)
                .register(registry);
    }

    void counted() {
        changes.increment();
    }

    void replayed() {
        replayed.increment();
    }

    void outsideWindow() {
        outsideWindow.increment();
    }

    void tombstone() {
        tombstones.increment();
    }

    void takebackSkipped() {
        takebacksSkipped.increment();
    }

    void aggregated(long sourceTsMs) {
        if (sourceTsMs > 0) {
            commitToAggregated.record(Math.max(0, System.currentTimeMillis() - sourceTsMs), TimeUnit.MILLISECONDS);
        }
    }

    /** @return counts the records dead-lettered by the shared processing handler */
    public Counter deadLetters() {
        return deadLetters;
    }

    /** @return counts the records Kafka Streams failed to produce */
    public Counter productionErrors() {
        return productionErrors;
    }

    /**
     * Sets the rolling gauges of one namespace and type (registered the first time).
     *
     * @param window {@code 1h} or {@code 24h}
     */
    void rolling(String namespace, String workflowType, String window, RollingMetrics value) {
        rolling.computeIfAbsent(
                        namespace + '\0' + workflowType + '\0' + window,
                        key -> new Series(
                                Tags.of("namespace", namespace, "workflow_type", workflowType, "window", window)))
                .value
                .set(value);
    }

    /** Removes the rolling gauges of a namespace and type this instance no longer owns. */
    void retireRolling(String namespace, String workflowType) {
        String prefix = namespace + '\0' + workflowType + '\0';
        rolling.keySet().removeIf(key -> {
            if (key.startsWith(prefix)) {
                rolling.get(key).meters.forEach(registry::remove);
                return true;
            }
            return false;
        });
    }

    /** The gauges of one namespace, type and window, reading the last value set. */
    private final class Series {
        final AtomicReference<RollingMetrics> value = new AtomicReference<>(new RollingMetrics());
        final List<Meter> meters = new ArrayList<>();

        Series(Tags tags) {
            meters.add(Gauge.builder(
                            "metrics.aggregator.rolling.started",
                            value,
                            v -> v.get().started())
                    .description("Runs started in the window (by start_time)")
                    .tags(tags)
                    .register(registry));
            for (int status = RunRow.RUNNING + 1; status <= RunRow.MAX_STATUS; status++) {
                int s = status;
                meters.add(Gauge.builder(
                                "metrics.aggregator.rolling.closed",
                                value,
                                v -> v.get().closed(s))
                        .description("Runs closed in the window (by close_time), by status")
                        .tags(tags.and("status", GroupMetrics.STATUS_FIELDS[status]))
                        .register(registry));
            }
            meters.add(Gauge.builder("metrics.aggregator.rolling.p95.duration", value, v -> {
                        Double p95 = v.get().p95DurationSeconds();
                        return p95 == null ? Double.NaN : p95;
                    })
                    .description("95th percentile of the durations of the runs closed in the window")
                    .baseUnit("seconds")
                    .tags(tags)
                    .register(registry));
        }
    }
}
