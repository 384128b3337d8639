package io.temporalcdc.runtime.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink's bookkeeping with Kafka's mock clients and a writer whose answers the test gives: which offsets are
 * committed when batches complete out of order, fail transiently, are rejected or fail for good. The sink over real
 * Kafka and Elasticsearch is tested in the indexer's integration tests.
 */
class AcknowledgingSinkTest {
    private static final String TOPIC = "docs";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final RecordingConsumer consumer = new RecordingConsumer();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final ScriptedWriter writer = new ScriptedWriter();
    private final List<String> health = new CopyOnWriteArrayList<>();
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private AcknowledgingSink sink;

    private void start(int batch, RetryPolicy retry) {
        start(batch, 1 << 20, retry);
    }

    private void start(int batch, long maxBatchBytes, RetryPolicy retry) {
        sink = new AcknowledgingSink(
                new AcknowledgingSink.Settings(
                        "test",
                        List.of(TOPIC),
                        batch,
                        maxBatchBytes,
                        Duration.ofMillis(1),
                        4,
                        retry,
                        Duration.ofMillis(10),
                        Duration.ofSeconds(2),
                        "dlq",
                        true),
                consumer,
                writer,
                producer,
                new AcknowledgingSink.Listener() {
                    @Override
                    public void healthy(boolean healthy, String reason) {
                        health.add(healthy ? "UP" : "DOWN " + reason);
                    }

                    @Override
                    public void failed(String reason, Throwable cause) {
                        failures.add(reason);
                    }
                },
                new SimpleMeterRegistry());
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
        });
        sink.start();
    }

    private static RetryPolicy patient() {
        return RetryPolicy.forDuration(Duration.ofMillis(5), Duration.ofMillis(20), Duration.ofSeconds(30));
    }

    @AfterEach
    void stop() {
        writer.answerEverything(r -> SinkOutcome.DONE);
        if (sink != null) {
            sink.close();
        }
    }

    /** Records {@code from..to-1}, all arriving in one poll (so the first batch holds them all). */
    private void add(int from, int to) {
        consumer.schedulePollTask(() -> {
            for (int offset = from; offset < to; offset++) {
                consumer.addRecord(new ConsumerRecord<>(
                        TOPIC,
                        0,
                        offset,
                        ("k" + offset).getBytes(StandardCharsets.UTF_8),
                        ("v" + offset).getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    private void addKeyed(int offset, String key) {
        consumer.schedulePollTask(() -> consumer.addRecord(new ConsumerRecord<>(
                TOPIC,
                0,
                offset,
                key.getBytes(StandardCharsets.UTF_8),
                ("v" + offset).getBytes(StandardCharsets.UTF_8))));
    }

    private long committed() {
        return consumer.committed.getOrDefault(TP, -1L);
    }

    @Test
    void shouldCommitOnlyTheContiguousAcknowledgedPrefixWhenBatchesCompleteOutOfOrder() throws Exception {
        start(2, patient());
        add(0, 4);
        ScriptedWriter.Batch first = writer.next();
        ScriptedWriter.Batch second = writer.next();
        assertThat(first.offsets()).containsExactly(0L, 1L);
        assertThat(second.offsets()).containsExactly(2L, 3L);

        second.answer(r -> SinkOutcome.DONE);
        TimeUnit.MILLISECONDS.sleep(200);
        assertThat(committed())
                .as("nothing past offset 0 while it is not acknowledged")
                .isLessThanOrEqualTo(0);

        first.answer(r -> SinkOutcome.DONE);
        await().atMost(WAIT).until(() -> committed() == 4);
    }

    @Test
    void shouldTakeAnUnboundedByteLimitWithoutOverflowingIntoAPause() throws Exception {
        start(2, Long.MAX_VALUE, patient());
        add(0, 2);

        writer.next().answer(r -> SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> committed() == 2);
        assertThat(consumer.paused()).isEmpty();
    }

    @Test
    void shouldRetryATransientFailureWithItsPartitionPausedAndReportDownUntilItSucceeds() throws Exception {
        start(10, patient());
        add(0, 3);
        writer.next().answer(r -> r.offset() == 1 ? new SinkOutcome.Retry("503 unavailable") : SinkOutcome.DONE);
        await().atMost(WAIT).until(() -> committed() == 1);
        await().atMost(WAIT).until(() -> health.contains("DOWN retrying writes: 503 unavailable"));

        ScriptedWriter.Batch retried = writer.next();
        assertThat(retried.offsets()).containsExactly(1L);
        retried.answer(r -> SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> committed() == 3);
        await().atMost(WAIT).until(() -> health.get(health.size() - 1).equals("UP"));
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldWaitForTheWritesInFlightOfARevokedPartitionAndCommitWhatTheyAcknowledged() throws Exception {
        start(10, patient());
        add(0, 3);
        ScriptedWriter.Batch inFlight = writer.next();

        // the partition moves to another instance while its batch is being written
        TopicPartition other = new TopicPartition(TOPIC, 1);
        consumer.schedulePollTask(() -> {
            consumer.updateBeginningOffsets(Map.of(other, 0L));
            consumer.rebalance(List.of(other));
        });
        TimeUnit.MILLISECONDS.sleep(300);
        assertThat(committed()).as("nothing acknowledged yet").isLessThanOrEqualTo(0);
        inFlight.answer(r -> SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> committed() == 3);
        assertThat(failures).isEmpty();
    }

    @Test
    void shouldDropARetryOnceALaterRecordOfItsKeyIsAcknowledged() throws Exception {
        start(1, RetryPolicy.forDuration(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMinutes(1)));
        addKeyed(0, "doc-1");
        addKeyed(1, "doc-1");
        ScriptedWriter.Batch first = writer.next();
        ScriptedWriter.Batch second = writer.next();

        // the older state fails transiently, the newer one (say, a delete) is acknowledged
        first.answer(r -> new SinkOutcome.Retry("503"));
        second.answer(r -> SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> committed() == 2);
        TimeUnit.MILLISECONDS.sleep(1_500);
        assertThat(writer.batches).as("the older state is never written again").isEmpty();
        await().atMost(WAIT).until(() -> health.get(health.size() - 1).equals("UP"));
    }

    @Test
    void shouldFailWhenAWriteKeepsFailingLongerThanTheRetryPolicyAllowsAndCommitNothingPastIt() throws Exception {
        start(10, RetryPolicy.forDuration(Duration.ofMillis(50), Duration.ofMillis(50), Duration.ofMillis(300)));
        add(0, 3);
        writer.answerEverything(r -> r.offset() == 1 ? new SinkOutcome.Retry("connection refused") : SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> !failures.isEmpty());
        assertThat(failures.get(0)).contains("gave up after retrying", "docs-0@1", "connection refused");
        await().atMost(WAIT).until(() -> !sink.isRunning());
        assertThat(committed()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterARejectedRecordAndCommitPastItOnceKafkaHasTheDeadLetter() throws Exception {
        start(10, patient());
        add(0, 3);

        writer.next()
                .answer(r -> r.offset() == 1
                        ? new SinkOutcome.DeadLetter("rejected by Elasticsearch: mapper_parsing_exception", "X")
                        : SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> committed() == 3);
        assertThat(producer.history()).singleElement().satisfies(dead -> {
            assertThat(dead.topic()).isEqualTo("dlq");
            assertThat(dead.key()).isEqualTo("k1".getBytes(StandardCharsets.UTF_8));
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON))
                    .isEqualTo("rejected by Elasticsearch: mapper_parsing_exception");
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.SOURCE_OFFSET))
                    .isEqualTo("1");
        });
    }

    @Test
    void shouldStopAtAFatalOutcomeWithoutCommittingTheRecord() throws Exception {
        start(10, patient());
        add(0, 3);

        writer.next()
                .answer(r ->
                        r.offset() == 2 ? new SinkOutcome.Fatal("no write index behind the alias") : SinkOutcome.DONE);

        await().atMost(WAIT).until(() -> !sink.isRunning());
        assertThat(failures).containsExactly("no write index behind the alias");
        assertThat(committed()).isEqualTo(2);
    }

    /** Remembers the last offsets committed, readable after the sink closed the consumer. */
    private static final class RecordingConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, Long> committed = new java.util.concurrent.ConcurrentHashMap<>();

        RecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            super.commitSync(offsets, timeout);
            offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
        }

        @Override
        public synchronized void commitAsync(
                Map<TopicPartition, OffsetAndMetadata> offsets,
                org.apache.kafka.clients.consumer.OffsetCommitCallback callback) {
            super.commitAsync(offsets, callback);
            offsets.forEach((tp, om) -> committed.put(tp, om.offset()));
        }
    }

    /** A writer whose batches the test answers, one outcome per record. */
    private static final class ScriptedWriter implements SinkWriter {
        private final LinkedBlockingQueue<Batch> batches = new LinkedBlockingQueue<>();
        private volatile Function<ConsumerRecord<byte[], byte[]>, SinkOutcome> automatic;

        record Batch(List<ConsumerRecord<byte[], byte[]>> records, CompletableFuture<List<SinkOutcome>> future) {
            List<Long> offsets() {
                return records.stream().map(ConsumerRecord::offset).toList();
            }

            void answer(Function<ConsumerRecord<byte[], byte[]>, SinkOutcome> outcome) {
                List<SinkOutcome> outcomes = new ArrayList<>();
                records.forEach(r -> outcomes.add(outcome.apply(r)));
                future.complete(Collections.unmodifiableList(outcomes));
            }
        }

        @Override
        public CompletableFuture<List<SinkOutcome>> write(List<ConsumerRecord<byte[], byte[]>> records) {
            Batch batch = new Batch(List.copyOf(records), new CompletableFuture<>());
            if (automatic != null) {
                batch.answer(automatic);
            } else {
                batches.add(batch);
            }
            return batch.future();
        }

        Batch next() throws InterruptedException {
            Batch batch = batches.poll(10, TimeUnit.SECONDS);
            assertThat(batch).as("a batch written").isNotNull();
            return batch;
        }

        void answerEverything(Function<ConsumerRecord<byte[], byte[]>, SinkOutcome> outcome) {
            automatic = outcome;
            Batch pending;
            while ((pending = batches.poll()) != null) {
                pending.answer(outcome);
            }
        }
    }
}
