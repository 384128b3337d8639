package io.temporalcdc.cdcsource;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.temporalcdc.runtime.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each engine batch to Kafka and marks its records processed only after Kafka acknowledged
 * every one of them. A failed send fails the batch: nothing of it is marked, the engine stops, and
 * the records are sent again after a restart (at-least-once).
 *
 * <p>Readiness is watched from a thread of its own: a send can block before it is acknowledged at all (the producer
 * waits up to {@code max.block.ms} for metadata it lost when every broker went away and it bootstrapped again), so
 * the engine's thread cannot be the one that notices Kafka is gone.
 */
public final class KafkaChangeConsumer
        implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>>, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeConsumer.class);

    /** How long Kafka may take to acknowledge before readiness turns DOWN (it turns UP again with the acks). */
    static final Duration STALL = Duration.ofSeconds(5);

    private final Producer<byte[], byte[]> producer;
    private final ConnectRecordSerializer serializer;
    private final CdcSourceMetrics metrics;
    private final Consumer<Boolean> readiness;
    private final Duration stall;
    private final ScheduledExecutorService watchdog;
    /** When the batch in hand began or Kafka last acknowledged one of its records (System.nanoTime). */
    private final AtomicLong progress = new AtomicLong();
    /** Guarded by this: a batch is in hand. */
    private boolean busy;
    /** Guarded by this: readiness was turned DOWN for lack of acknowledgements. */
    private boolean stalled;

    /**
     * @param readiness told false while Kafka has not acknowledged a batch for {@link #STALL}, true once it has
     */
    public KafkaChangeConsumer(
            Producer<byte[], byte[]> producer,
            ConnectRecordSerializer serializer,
            CdcSourceMetrics metrics,
            Consumer<Boolean> readiness) {
        this(producer, serializer, metrics, readiness, STALL);
    }

    KafkaChangeConsumer(
            Producer<byte[], byte[]> producer,
            ConnectRecordSerializer serializer,
            CdcSourceMetrics metrics,
            Consumer<Boolean> readiness,
            Duration stall) {
        this.producer = producer;
        this.serializer = serializer;
        this.metrics = metrics;
        this.readiness = readiness;
        this.stall = stall;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("cdc-source-kafka-watchdog").daemon().factory());
        final long every = Math.max(10, stall.toMillis() / 5);
        watchdog.scheduleWithFixedDelay(this::checkStall, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void handleBatch(
            List<RecordChangeEvent<SourceRecord>> events,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        final long start = System.nanoTime();
        batchStarted(start);
        final List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
        boolean acknowledged = false;
        try {
            for (RecordChangeEvent<SourceRecord> event : events) {
                final Future<RecordMetadata> send =
                        producer.send(serialize(event.record()), (metadata, error) -> progress.set(System.nanoTime()));
                if (send.isDone()) {
                    // a send that failed at once (no metadata within max.block.ms: Kafka unreachable) fails the
                    // batch now, not after every other record of it waited as long
                    awaitAck(send, event.record());
                }
                sends.add(send);
            }
            for (int i = 0; i < sends.size(); i++) {
                awaitAck(sends.get(i), events.get(i).record());
            }
            acknowledged = true;
        } finally {
            batchEnded(acknowledged);
        }
        recordMetrics(events, start);
        for (RecordChangeEvent<SourceRecord> event : events) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        LOG.debug("Batch of {} records acknowledged by Kafka", events.size());
    }

    /**
     * The Kafka record of {@code record}; a schema the registry refuses (or a registry that stays unreachable) fails
     * the batch, saying which subject and why: nothing of the batch is marked processed, so the change is read again
     * once the schema is accepted.
     */
    private ProducerRecord<byte[], byte[]> serialize(SourceRecord record) {
        try {
            return serializer.serialize(record);
        } catch (SchemaRegistryException e) {
            final String why = e.isIncompatible()
                    ? "the schema registry refused the new schema of subject " + e.subject()
                            + " as incompatible with its latest version (a column changed type?); cdc-source stops"
                            + " before this change and resumes from it once the subject accepts the schema (fix the"
                            + " column, or the subject's compatibility level)"
                    : "the schema of subject " + e.subject() + " could not be registered";
            LOG.error("{}: {}", why, e.getMessage());
            throw new CdcSourceException(why + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return true;
    }

    /**
     * Waits for Kafka's acknowledgement of one record. While Kafka does not answer, the producer retries until its
     * {@code delivery.timeout.ms} (2 min by default; a send waiting for metadata, {@code max.block.ms}, 1 min, and the
     * batch fails at its first such send) and then fails the send, which fails the batch and stops the app (exit 1): an
     * outage shorter than that costs only time.
     * Readiness is DOWN meanwhile ({@link #checkStall}).
     */
    private void awaitAck(Future<RecordMetadata> send, SourceRecord record) throws InterruptedException {
        try {
            send.get();
        } catch (ExecutionException e) {
            LOG.error(
                    "Kafka did not acknowledge a change record for topic {} (key {}); failing the batch",
                    record.topic(),
                    record.key(),
                    e.getCause());
            throw new CdcSourceException(
                    "Kafka did not acknowledge a change record for topic " + record.topic(), e.getCause());
        }
    }

    private synchronized void batchStarted(long nanos) {
        progress.set(nanos);
        busy = true;
    }

    /**
     * The batch is over: acknowledged, readiness UP again if it was DOWN for lack of acknowledgements; failed, it
     * stays DOWN (the engine stops).
     */
    private synchronized void batchEnded(boolean acknowledged) {
        busy = false;
        if (stalled && acknowledged) {
            stalled = false;
            LOG.info("Kafka acknowledges changes again: readiness UP");
            readiness.accept(true);
        }
    }

    /** Readiness DOWN once a batch in hand has seen no acknowledgement for {@link #stall}. */
    private synchronized void checkStall() {
        try {
            if (busy && !stalled && System.nanoTime() - progress.get() > stall.toNanos()) {
                stalled = true;
                LOG.warn(
                        "No change of the batch in hand delivered for {} ms (Kafka, or for Avro the schema registry,"
                                + " does not answer): readiness DOWN until the batch is acknowledged",
                        stall.toMillis());
                readiness.accept(false);
            }
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: the watchdog must outlive any one check
            LOG.error("Readiness check failed", e);
        }
    }

    /** Stops the readiness watchdog. */
    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    private void recordMetrics(List<RecordChangeEvent<SourceRecord>> events, long startNanos) {
        final long ackMs = System.currentTimeMillis();
        metrics.batchSent(events.size(), Duration.ofNanos(System.nanoTime() - startNanos));
        for (RecordChangeEvent<SourceRecord> event : events) {
            final Long commitMs = streamedCommitMs(event.record());
            if (commitMs != null) {
                metrics.commitToKafka(commitMs, ackMs);
            }
        }
    }

    /** The source commit time of a streamed (not snapshot) change, or null. */
    static Long streamedCommitMs(SourceRecord record) {
        if (!(record.value() instanceof Struct value)
                || value.schema().field("source") == null
                || value.schema().field("op") == null) {
            return null;
        }
        final String op = value.getString("op");
        if (op == null || "r".equals(op)) {
            return null;
        }
        final Struct source = value.getStruct("source");
        return source == null || source.schema().field("ts_ms") == null ? null : source.getInt64("ts_ms");
    }
}
