package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class KafkaChangeConsumerTest {

    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<Boolean> readiness = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final KafkaChangeConsumer consumer = new KafkaChangeConsumer(
            producer,
            ConnectRecordSerializer.json(Map.of(), Map.of()),
            new CdcSourceMetrics(registry),
            readiness::add,
            java.time.Duration.ofMillis(200));
    private final RecordingCommitter committer = new RecordingCommitter();

    @AfterEach
    void stopWatchdog() {
        consumer.close();
    }

    @Test
    void shouldMarkRecordsProcessedOnlyAfterKafkaAcknowledgedTheWholeBatch() {
        final List<RecordChangeEvent<SourceRecord>> batch = List.of(
                event(ConnectRecordSerializerTest.change("d", System.currentTimeMillis())),
                event(ConnectRecordSerializerTest.tombstone()));

        final Thread handler = new Thread(() -> {
            try {
                consumer.handleBatch(batch, committer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        handler.start();
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(producer.history()).hasSize(2));
        awaitBlocked(handler);
        assertThat(committer.processed()).isEmpty();

        producer.completeNext();
        // the handler went on to wait for the second acknowledgement: whatever it marks before that is visible now
        awaitBlocked(handler);
        assertThat(committer.processed()).isEmpty();
        producer.completeNext();

        await().atMost(Duration.ofSeconds(5)).until(() -> !handler.isAlive());
        assertThat(committer.processed()).containsExactlyElementsOf(batch);
        assertThat(committer.batchesFinished).isEqualTo(1);
        assertThat(registry.get("cdc.source.records.sent").counter().count()).isEqualTo(2.0);
        assertThat(registry.get("cdc.source.commit.to.kafka").timer().count()).isEqualTo(1);
        assertThat(producer.history().get(1).value()).isNull();
    }

    @Test
    void shouldFailTheBatchAndMarkNothingWhenASendFails() {
        final List<RecordChangeEvent<SourceRecord>> batch = List.of(
                event(ConnectRecordSerializerTest.change("c", 1L)), event(ConnectRecordSerializerTest.change("u", 2L)));

        final CompletableFuture<Void> handled = handleAsync(batch);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(producer.history()).hasSize(2));
        producer.completeNext();
        producer.errorNext(new org.apache.kafka.common.errors.RecordTooLargeException("too large"));

        assertThatThrownBy(handled::join)
                .hasCauseInstanceOf(CdcSourceException.class)
                .hasMessageContaining(ConnectRecordSerializerTest.TOPIC);
        assertThat(committer.processed()).isEmpty();
        assertThat(committer.batchesFinished).isZero();
    }

    @Test
    void shouldTurnReadinessDownWhileKafkaDoesNotAcknowledgeAndUpWhenItDoes() throws Exception {
        final List<RecordChangeEvent<SourceRecord>> batch =
                List.of(event(ConnectRecordSerializerTest.change("c", System.currentTimeMillis())));
        final Thread handler = new Thread(() -> {
            try {
                consumer.handleBatch(batch, committer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        handler.start();

        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(5))
                .until(() -> readiness.contains(false));
        assertThat(committer.processed).isEmpty();
        while (!producer.completeNext()) {
            Thread.sleep(10);
        }
        handler.join(5_000);

        assertThat(readiness).containsExactly(false, true);
        assertThat(committer.processed).hasSize(1);
    }

    /**
     * A send that blocks before Kafka got the record at all (the producer waits for metadata it lost when every broker
     * went away: {@code max.block.ms}) turns readiness DOWN too, and UP once the batch is acknowledged.
     */
    @Test
    void shouldTurnReadinessDownWhileASendBlocksWaitingForMetadata() throws Exception {
        final java.util.concurrent.CountDownLatch metadata = new java.util.concurrent.CountDownLatch(1);
        final MockProducer<byte[], byte[]> blocking = producer(true, () -> {
            try {
                metadata.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        });
        final List<Boolean> states = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (KafkaChangeConsumer waiting = consumer(blocking, states)) {
            final CompletableFuture<Void> handled = CompletableFuture.runAsync(() -> {
                try {
                    waiting.handleBatch(
                            List.of(event(ConnectRecordSerializerTest.change("c", System.currentTimeMillis()))),
                            committer);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });

            try {
                await().atMost(Duration.ofSeconds(5)).until(() -> states.contains(false));
                assertThat(committer.processed()).isEmpty();
            } finally {
                metadata.countDown();
            }
            handled.get(5, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(states).containsExactly(false, true);
            assertThat(committer.processed()).hasSize(1);
        }
    }

    @Test
    void shouldStayNotReadyWhenTheStalledBatchFails() {
        final CompletableFuture<Void> handled =
                handleAsync(List.of(event(ConnectRecordSerializerTest.change("c", System.currentTimeMillis()))));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(producer.history()).hasSize(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> readiness.contains(false));
        assertThat(producer.errorNext(new org.apache.kafka.common.errors.TimeoutException("delivery timed out")))
                .isTrue();

        assertThatThrownBy(() -> handled.get(5, java.util.concurrent.TimeUnit.SECONDS))
                .hasCauseInstanceOf(CdcSourceException.class);
        assertThat(readiness).containsExactly(false);
    }

    @Test
    void shouldStayReadyWhileNoBatchIsInHand() throws Exception {
        Thread.sleep(5 * 200);
        assertThat(readiness).isEmpty();
    }

    /** A send that fails at once (no metadata within max.block.ms) fails the batch before the next record is sent. */
    @Test
    void shouldFailTheBatchAtTheFirstSendThatFailsAtOnce() {
        final java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        // what KafkaProducer.send returns when metadata does not come within max.block.ms: a future failed at once
        final MockProducer<byte[], byte[]> unreachable = producer(false, () -> {
            sent.incrementAndGet();
            return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException(
                    "Topic not present in metadata after 60000 ms."));
        });
        try (KafkaChangeConsumer failing = consumer(unreachable, readiness)) {
            assertThatThrownBy(() -> failing.handleBatch(
                            List.of(
                                    event(ConnectRecordSerializerTest.change("c", 1L)),
                                    event(ConnectRecordSerializerTest.change("u", 2L))),
                            committer))
                    .isInstanceOf(CdcSourceException.class)
                    .hasMessageContaining(ConnectRecordSerializerTest.TOPIC);
            assertThat(sent).hasValue(1);
            assertThat(committer.processed()).isEmpty();
        }
    }

    @Test
    void shouldNotCountSnapshotReadsInCommitLatency() {
        assertThat(KafkaChangeConsumer.streamedCommitMs(ConnectRecordSerializerTest.change("r", 5L)))
                .isNull();
        assertThat(KafkaChangeConsumer.streamedCommitMs(ConnectRecordSerializerTest.change("u", 5L)))
                .isEqualTo(5L);
        assertThat(KafkaChangeConsumer.streamedCommitMs(ConnectRecordSerializerTest.tombstone()))
                .isNull();
    }

    /**
     * A MockProducer whose send first runs {@code before}, then answers with what it returned, or as MockProducer
     * does when that is null.
     */
    private static MockProducer<byte[], byte[]> producer(
            boolean autoComplete,
            java.util.function.Supplier<java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata>>
                    before) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer()) {
            @Override
            public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                    org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
                    org.apache.kafka.clients.producer.Callback callback) {
                final java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> answer =
                        before.get();
                return answer != null ? answer : super.send(record, callback);
            }
        };
    }

    /** A consumer of {@code producer} telling {@code states} its readiness, with a 200 ms stall. */
    private KafkaChangeConsumer consumer(MockProducer<byte[], byte[]> producer, List<Boolean> states) {
        return new KafkaChangeConsumer(
                producer,
                ConnectRecordSerializer.json(Map.of(), Map.of()),
                new CdcSourceMetrics(registry),
                states::add,
                Duration.ofMillis(200));
    }

    /** Waits until {@code thread} waits for a send to be acknowledged. */
    private static void awaitBlocked(Thread thread) {
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        thread.getState() == Thread.State.WAITING || thread.getState() == Thread.State.TIMED_WAITING);
    }

    private CompletableFuture<Void> handleAsync(List<RecordChangeEvent<SourceRecord>> batch) {
        return CompletableFuture.runAsync(() -> {
            try {
                consumer.handleBatch(batch, committer);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private static RecordChangeEvent<SourceRecord> event(SourceRecord record) {
        return () -> record;
    }

    private static final class RecordingCommitter
            implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        final List<RecordChangeEvent<SourceRecord>> processed = new ArrayList<>();
        int batchesFinished;

        @Override
        public synchronized void markProcessed(RecordChangeEvent<SourceRecord> record) {
            processed.add(record);
        }

        synchronized List<RecordChangeEvent<SourceRecord>> processed() {
            return List.copyOf(processed);
        }

        @Override
        public synchronized void markBatchFinished() {
            batchesFinished++;
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            throw new UnsupportedOperationException();
        }
    }
}
