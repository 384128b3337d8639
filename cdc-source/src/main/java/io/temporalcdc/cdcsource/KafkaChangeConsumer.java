package io.temporalcdc.cdcsource;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.temporalcdc.runtime.registry.SchemaRegistryException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 */
public final class KafkaChangeConsumer implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaChangeConsumer.class);

    /** How long Kafka may take to acknowledge before readiness turns DOWN (it turns UP again with the acks). */
    static final Duration STALL = Duration.ofSeconds(5);

    private final Producer<byte[], byte[]> producer;
    private final ConnectRecordSerializer serializer;
    private final CdcSourceMetrics metrics;
    private final Consumer<Boolean> readiness;
    private final Duration stall;
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
    }

    @Override
    public void handleBatch(
            List<RecordChangeEvent<SourceRecord>> events,
            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        final long start = System.nanoTime();
        final List<Future<RecordMetadata>> sends = new ArrayList<>(events.size());
        for (RecordChangeEvent<SourceRecord> event : events) {
            sends.add(producer.send(serialize(event.record())));
        }
        for (int i = 0; i < sends.size(); i++) {
            awaitAck(sends.get(i), events.get(i).record());
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
     * {@code delivery.timeout.ms} (2 min by default) and then fails the send, which fails the batch and stops the app
     * (exit 1): an outage shorter than that costs only time. Readiness is DOWN meanwhile.
     */
    private void awaitAck(Future<RecordMetadata> send, SourceRecord record) throws InterruptedException {
        try {
            try {
                send.get(stall.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!stalled) {
                    stalled = true;
                    LOG.warn(
                            "Kafka has not acknowledged a change for {} ms: readiness DOWN until it does",
                            stall.toMillis());
                    readiness.accept(false);
                }
                send.get();
            }
            if (stalled) {
                stalled = false;
                LOG.info("Kafka acknowledges changes again: readiness UP");
                readiness.accept(true);
            }
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
