package io.temporalcdc.cdcsource;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The meters of cdc-source (Prometheus names): {@code cdc_source_records_sent_total},
 * {@code cdc_source_batches_sent_total}, {@code cdc_source_send_latency_seconds} (batch handed to the
 * producer → every record acknowledged) and {@code cdc_source_commit_to_kafka_seconds} (source commit
 * {@code ts_ms} → Kafka acknowledgement), the timers with p50/p99.
 */
public final class CdcSourceMetrics {

    private final Counter recordsSent;
    private final Counter batchesSent;
    private final Timer sendLatency;
    private final Timer commitToKafka;

    /** Registers the meters in {@code registry}. */
    public CdcSourceMetrics(MeterRegistry registry) {
        this.recordsSent = Counter.builder("cdc.source.records.sent")
                .description("Change records acknowledged by Kafka")
                .register(registry);
        this.batchesSent = Counter.builder("cdc.source.batches.sent")
                .description("Engine batches fully acknowledged by Kafka")
                .register(registry);
        this.sendLatency = Timer.builder("cdc.source.send.latency")
                .description("Time from handing a batch to the producer until Kafka acknowledged all of it")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
        this.commitToKafka = Timer.builder("cdc.source.commit.to.kafka")
                .description("Time from the source transaction commit (source.ts_ms) to the Kafka acknowledgement")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /** A batch of {@code records} was acknowledged after {@code latency}. */
    public void batchSent(int records, Duration latency) {
        recordsSent.increment(records);
        batchesSent.increment();
        sendLatency.record(latency);
    }

    /** A record committed at {@code commitEpochMs} in the source was acknowledged at {@code ackEpochMs}. */
    public void commitToKafka(long commitEpochMs, long ackEpochMs) {
        commitToKafka.record(Duration.ofMillis(Math.max(0, ackEpochMs - commitEpochMs)));
    }
}
