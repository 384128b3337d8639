package io.temporalcdc.runtime.sink;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.runtime.streams.StreamsDefaults;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka-Connect-style sink: polls topics, writes batches (by count, bytes and linger) through a
 * {@link SinkWriter} with several batches in flight, and commits offsets only up to the highest contiguous
 * acknowledged record of each partition. Per-record outcomes decide the rest: {@link SinkOutcome.Retry} is written
 * again after an exponential backoff, with its partition paused (the consumer keeps polling, so the group keeps
 * it), for at most the retry policy's duration, after which the sink fails; {@link SinkOutcome.DeadLetter} goes to
 * the dead-letter topic, and counts as acknowledged once Kafka acknowledged the dead letter; {@link
 * SinkOutcome.Fatal} fails the sink at once. On revocation the in-flight writes of the revoked partitions are
 * awaited and what they acknowledged is committed; on close everything in flight is awaited and committed.
 *
 * <p>One thread owns the consumer and all state; the writer's and the producer's callbacks hand their results to
 * it through a queue.
 */
public final class AcknowledgingSink implements AutoCloseable {
    /**
     * The metadata of every commit: {@code committed-at=<epoch milliseconds>}, so tools ({@code temporal-cdc status})
     * can tell when a sink last committed.
     */
    public static final String COMMITTED_AT = "committed-at=";

    private static final Logger LOG = LoggerFactory.getLogger(AcknowledgingSink.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(100);
    private static final Duration BUSY_POLL = Duration.ofMillis(5);
    private static final int RECENT_KEYS = 100_000;

    /** A record key within its partition, compared by content. */
    private record KeyRef(TopicPartition tp, java.nio.ByteBuffer key) {
        static KeyRef of(Pending p) {
            return p.record.key() == null ? null : new KeyRef(p.tp, java.nio.ByteBuffer.wrap(p.record.key()));
        }
    }

    /**
     * How the sink batches, retries and commits.
     *
     * @param name names the sink in logs, metrics ({@code <name>.sink.*}) and its thread
     * @param topics the topics to read
     * @param maxBatchRecords a batch is written when it holds this many records
     * @param maxBatchBytes ... or this many bytes of keys and values
     * @param linger ... or when its oldest record waited this long
     * @param maxInFlight batches written at once
     * @param retry backoff between attempts and how long a record may keep failing before the sink fails
     * @param commitInterval how often acknowledged offsets are committed
     * @param shutdownTimeout how long close and revocation wait for the writes in flight
     * @param deadLetterTopic where rejected records go
     * @param supersedeByKey whether a later record of the same key supersedes an earlier one (a compacted topic of
     *     versioned states): a record waiting for a retry is then dropped once a later record of its key was
     *     acknowledged, so an old state is never written after a newer one (e.g. after a delete)
     */
    public record Settings(
            String name,
            List<String> topics,
            int maxBatchRecords,
            long maxBatchBytes,
            Duration linger,
            int maxInFlight,
            RetryPolicy retry,
            Duration commitInterval,
            Duration shutdownTimeout,
            String deadLetterTopic,
            boolean supersedeByKey) {
        public Settings {
            Objects.requireNonNull(name, "name");
            topics = List.copyOf(topics);
            if (maxBatchRecords < 1 || maxBatchBytes < 1 || maxInFlight < 1) {
                throw new IllegalArgumentException("batch limits and in-flight batches must be positive");
            }
        }
    }

    /** How the sink reports its state to its app. */
    public interface Listener {
        /** Healthy again (true), or retrying with the reason (false). */
        void healthy(boolean healthy, String reason);

        /** The sink stopped for good; offsets cover only what was acknowledged. */
        void failed(String reason, Throwable cause);
    }

    private static final long RETRY_LOG_INTERVAL_NANOS = 1_000_000_000L;

    private final Settings settings;
    private final Consumer<byte[], byte[]> consumer;
    private final SinkWriter writer;
    private final Producer<byte[], byte[]> deadLetters;
    private final Listener listener;
    private final Thread thread;
    private final LinkedBlockingQueue<Runnable> completions = new LinkedBlockingQueue<>();
    private final OffsetTracker offsets = new OffsetTracker();
    private final ArrayDeque<Pending> buffer = new ArrayDeque<>();
    private final List<Pending> retrying = new ArrayList<>();
    private final Map<TopicPartition, Integer> generations = new HashMap<>();
    private final Map<TopicPartition, Integer> inFlightRecords = new HashMap<>();
    private final AtomicInteger inFlightBatches = new AtomicInteger();
    /** The last acknowledged offset of recently acknowledged keys, for {@link Settings#supersedeByKey()}. */
    private final Map<KeyRef, Long> recentlyAcknowledged = new java.util.LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<KeyRef, Long> eldest) {
            return size() > RECENT_KEYS;
        }
    };

    private final Metrics metrics;
    private volatile boolean closing;
    private long bufferedBytes;
    private long lastCommitNanos = System.nanoTime();
    private boolean unhealthy;
    private long lastRetryLogNanos = System.nanoTime() - RETRY_LOG_INTERVAL_NANOS;
    private long retriesNotLogged;
    private String failure;

    /** One record the sink owes an acknowledgement for. */
    private static final class Pending {
        private final ConsumerRecord<byte[], byte[]> record;
        private final TopicPartition tp;
        private final int generation;
        private final long readNanos = System.nanoTime();
        private int attempts;
        private long firstFailureNanos;
        private long dueNanos;

        Pending(ConsumerRecord<byte[], byte[]> record, int generation) {
            this.record = record;
            this.tp = new TopicPartition(record.topic(), record.partition());
            this.generation = generation;
        }

        long bytes() {
            return (record.key() == null ? 0 : record.key().length)
                    + (record.value() == null ? 0 : record.value().length);
        }
    }

    /**
     * @param consumer a consumer with byte-array deserializers, auto-commit off, not yet subscribed; the sink owns it
     * @param deadLetters an idempotent producer for dead letters; the caller closes it after the sink
     */
    public AcknowledgingSink(
            Settings settings,
            Consumer<byte[], byte[]> consumer,
            SinkWriter writer,
            Producer<byte[], byte[]> deadLetters,
            Listener listener,
            MeterRegistry registry) {
        this.settings = settings;
        this.consumer = consumer;
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.metrics = new Metrics(settings.name(), registry);
        this.thread = new Thread(this::run, settings.name() + "-sink");
    }

    /**
     * The consumer a sink needs: its own group, offsets committed by the sink only, from the earliest record.
     *
     * @param kafkaClientProperties bootstrap servers, security and any client overrides
     */
    public static Map<String, Object> consumerProperties(Map<String, Object> kafkaClientProperties, String group) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, StreamsDefaults.SESSION_TIMEOUT_MS);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        props.putAll(kafkaClientProperties);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return props;
    }

    /** The dead-letter producer a sink needs: idempotent, acknowledged by every in-sync replica. */
    public static Map<String, Object> deadLetterProducerProperties(
            Map<String, Object> kafkaClientProperties, String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaClientProperties);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "zstd");
        return props;
    }

    /** Starts polling on the sink's own thread. */
    public void start() {
        thread.start();
    }

    /** Whether the sink's thread still runs. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops polling, waits for the writes in flight (at most the shutdown time-out), commits, closes the consumer. */
    @Override
    public void close() {
        // no consumer.wakeup(): the loop polls for at most 100 ms, and a wake-up could hit the final commit
        closing = true;
        try {
            thread.join(settings.shutdownTimeout().plusSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOG.warn("{}: sink thread did not stop in time", settings.name());
        }
    }

    private void run() {
        try {
            consumer.subscribe(settings.topics(), new Rebalance());
            while (!closing && failure == null) {
                runCompletions();
                dispatchDueRetries();
                dispatchBatches(false);
                updatePauses();
                poll();
                maybeCommit();
            }
            if (failure == null) {
                drain();
            }
            // after a failure too: what is acknowledged is safe to commit, and the restart replays less
            commitSync(offsets.committable());
        } catch (RuntimeException | Error e) {
            fail("sink loop failed: " + e, e);
        } finally {
            closeConsumer();
        }
    }

    private void poll() {
        Duration timeout = buffer.isEmpty() && inFlightBatches.get() == 0 && retrying.isEmpty() ? IDLE_POLL : BUSY_POLL;
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            Pending pending = new Pending(record, generations.getOrDefault(tp, 0));
            buffer.add(pending);
            bufferedBytes += pending.bytes();
            offsets.read(tp, record.offset());
        }
    }

    private void runCompletions() {
        Runnable completion;
        while ((completion = completions.poll()) != null) {
            completion.run();
        }
    }

    // ---- batching

    private void dispatchBatches(boolean force) {
        while (!buffer.isEmpty() && inFlightBatches.get() < settings.maxInFlight() && (force || batchReady())) {
            List<Pending> batch = new ArrayList<>();
            long bytes = 0;
            while (!buffer.isEmpty()
                    && batch.size() < settings.maxBatchRecords()
                    && (batch.isEmpty() || bytes + buffer.peek().bytes() <= settings.maxBatchBytes())) {
                Pending next = buffer.poll();
                bytes += next.bytes();
                bufferedBytes -= next.bytes();
                batch.add(next);
            }
            write(batch);
        }
    }

    private boolean batchReady() {
        return buffer.size() >= settings.maxBatchRecords()
                || bufferedBytes >= settings.maxBatchBytes()
                || System.nanoTime() - buffer.peek().readNanos
                        >= settings.linger().toNanos();
    }

    private void dispatchDueRetries() {
        if (retrying.isEmpty() || inFlightBatches.get() >= settings.maxInFlight()) {
            return;
        }
        long now = System.nanoTime();
        List<Pending> due = new ArrayList<>();
        for (Iterator<Pending> it = retrying.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (p.dueNanos <= now && due.size() < settings.maxBatchRecords()) {
                due.add(p);
                it.remove();
            }
        }
        if (!due.isEmpty()) {
            write(due);
        }
    }

    private void write(List<Pending> batch) {
        inFlightBatches.incrementAndGet();
        batch.forEach(p -> inFlightRecords.merge(p.tp, 1, Integer::sum));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(batch.size());
        batch.forEach(p -> records.add(p.record));
        long start = System.nanoTime();
        try {
            writer.write(records)
                    .whenComplete((outcomes, error) -> completions.add(() -> {
                        metrics.batch(batch.size(), System.nanoTime() - start);
                        finished(batch, outcomes, error);
                    }));
        } catch (RuntimeException e) {
            completions.add(() -> finished(batch, null, e));
        }
    }

    private void finished(List<Pending> batch, List<SinkOutcome> outcomes, Throwable error) {
        inFlightBatches.decrementAndGet();
        batch.forEach(p -> inFlightRecords.merge(p.tp, -1, Integer::sum));
        if (error != null || outcomes == null || outcomes.size() != batch.size()) {
            fail("the writer failed a batch of " + batch.size() + " records: " + error, error);
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            outcome(batch.get(i), outcomes.get(i));
        }
        if (unhealthy && retrying.isEmpty()) {
            unhealthy = false;
            LOG.info("{}: writes succeed again", settings.name());
            listener.healthy(true, "");
        }
    }

    private void outcome(Pending p, SinkOutcome outcome) {
        if (!owned(p)) {
            return;
        }
        switch (outcome) {
            case SinkOutcome.Done done -> acknowledge(p);
            case SinkOutcome.Retry retry -> retry(p, retry.reason());
            case SinkOutcome.DeadLetter dead -> deadLetter(p, dead.reason(), dead.exceptionClass());
            case SinkOutcome.Fatal fatal -> fail(fatal.reason(), null);
        }
    }

    private boolean owned(Pending p) {
        Integer generation = generations.get(p.tp);
        return generation != null && generation == p.generation;
    }

    private void acknowledge(Pending p) {
        offsets.acknowledged(p.tp, p.record.offset());
        metrics.acknowledged(p);
        KeyRef key = settings.supersedeByKey() ? KeyRef.of(p) : null;
        if (key == null) {
            return;
        }
        recentlyAcknowledged.merge(key, p.record.offset(), Math::max);
        for (Iterator<Pending> it = retrying.iterator(); it.hasNext(); ) {
            Pending waiting = it.next();
            if (waiting.record.offset() < p.record.offset() && key.equals(KeyRef.of(waiting))) {
                it.remove();
                superseded(waiting);
            }
        }
    }

    /** A record waiting for a retry whose key was acknowledged at a later offset: nothing left to write. */
    private void superseded(Pending p) {
        LOG.info(
                "{}: {}@{} is superseded by a later record of its key: not retried",
                settings.name(),
                p.tp,
                p.record.offset());
        offsets.acknowledged(p.tp, p.record.offset());
        metrics.acknowledged(p);
        if (unhealthy && retrying.isEmpty()) {
            unhealthy = false;
            listener.healthy(true, "");
        }
    }

    private void retry(Pending p, String reason) {
        KeyRef key = settings.supersedeByKey() ? KeyRef.of(p) : null;
        Long later = key == null ? null : recentlyAcknowledged.get(key);
        if (later != null && later > p.record.offset()) {
            superseded(p);
            return;
        }
        long now = System.nanoTime();
        if (p.attempts == 0) {
            p.firstFailureNanos = now;
        }
        p.attempts++;
        Duration elapsed = Duration.ofNanos(now - p.firstFailureNanos);
        if (!settings.retry().allows(p.attempts, elapsed)) {
            fail(
                    "gave up after retrying " + p.tp + "@" + p.record.offset() + " for " + elapsed.toSeconds() + " s ("
                            + p.attempts + " attempts): " + reason,
                    null);
            return;
        }
        p.dueNanos = now + settings.retry().backoff(p.attempts).toNanos();
        retrying.add(p);
        metrics.retries.increment();
        // one line a second at most: an outage fails every record of every batch
        if (now - lastRetryLogNanos >= RETRY_LOG_INTERVAL_NANOS) {
            LOG.warn(
                    "{}: write of {}@{} failed (attempt {}), retrying in {} ms: {}{}",
                    settings.name(),
                    p.tp,
                    p.record.offset(),
                    p.attempts,
                    settings.retry().backoff(p.attempts).toMillis(),
                    reason,
                    retriesNotLogged == 0
                            ? ""
                            : " (and " + retriesNotLogged + " more failed writes since the last line)");
            lastRetryLogNanos = now;
            retriesNotLogged = 0;
        } else {
            retriesNotLogged++;
        }
        unhealthy = true;
        listener.healthy(false, "retrying writes: " + reason);
    }

    private void deadLetter(Pending p, String reason, String exceptionClass) {
        ConsumerRecord<byte[], byte[]> r = p.record;
        ProducerRecord<byte[], byte[]> dead = DeadLetters.record(
                settings.deadLetterTopic(),
                r.key(),
                r.value(),
                r.headers(),
                reason,
                exceptionClass,
                new DeadLetters.Origin(r.topic(), r.partition(), r.offset()));
        LOG.warn("{}: dead-lettering {}@{} to {}: {}", settings.name(), p.tp, r.offset(), dead.topic(), reason);
        sendDeadLetter(p, dead, true);
    }

    private void sendDeadLetter(Pending p, ProducerRecord<byte[], byte[]> dead, boolean firstTry) {
        inFlightRecords.merge(p.tp, 1, Integer::sum);
        deadLetters.send(
                dead,
                (meta, error) -> completions.add(() -> {
                    inFlightRecords.merge(p.tp, -1, Integer::sum);
                    if (error == null) {
                        metrics.deadLettered.increment();
                        if (owned(p)) {
                            offsets.acknowledged(p.tp, p.record.offset());
                        }
                    } else if (error instanceof RecordTooLargeException && firstTry && dead.value() != null) {
                        LOG.error(
                                "{}: dead letter too large for {}, sending it without its value",
                                settings.name(),
                                dead.topic());
                        sendDeadLetter(p, DeadLetters.withoutValue(dead, error.getMessage()), false);
                    } else {
                        fail("cannot send a dead letter to " + dead.topic() + ": " + error, error);
                    }
                }));
    }

    // ---- pausing, committing

    private void updatePauses() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Set<TopicPartition> pause = new HashSet<>();
        retrying.forEach(p -> pause.add(p.tp));
        long limit = (long) settings.maxBatchRecords() * (settings.maxInFlight() + 2);
        long byteLimit = settings.maxBatchBytes() > Long.MAX_VALUE / (settings.maxInFlight() + 2)
                ? Long.MAX_VALUE
                : settings.maxBatchBytes() * (settings.maxInFlight() + 2);
        if (buffer.size() >= limit || bufferedBytes >= byteLimit) {
            pause.addAll(assigned);
        }
        pause.retainAll(assigned);
        Set<TopicPartition> paused = consumer.paused();
        if (!pause.equals(paused)) {
            Set<TopicPartition> resume = new HashSet<>(paused);
            resume.removeAll(pause);
            consumer.resume(resume);
            consumer.pause(pause);
        }
    }

    private void maybeCommit() {
        if (System.nanoTime() - lastCommitNanos < settings.commitInterval().toNanos()) {
            return;
        }
        lastCommitNanos = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> committable = offsets.committable();
        if (committable.isEmpty()) {
            return;
        }
        consumer.commitAsync(committable, (committed, error) -> {
            if (error == null) {
                offsets.committed(committed);
            } else {
                LOG.warn(
                        "{}: offset commit failed (retried at the next interval): {}",
                        settings.name(),
                        error.toString());
            }
        });
    }

    private void commitSync(Map<TopicPartition, OffsetAndMetadata> committable) {
        if (committable.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(committable, settings.shutdownTimeout());
            offsets.committed(committable);
            LOG.info("{}: committed {}", settings.name(), committable);
        } catch (RuntimeException e) {
            LOG.warn(
                    "{}: final offset commit failed; the next owner replays from the last commit: {}",
                    settings.name(),
                    e.toString());
        }
    }

    /** Writes what is buffered and waits for every write in flight (at most the shutdown time-out). */
    private void drain() {
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        while (failure == null && System.nanoTime() < deadline && (!buffer.isEmpty() || busy(null))) {
            dispatchBatches(true);
            awaitCompletion(deadline);
        }
    }

    /** Whether writes (or retries, or dead letters) of {@code tps} (null: any) are still owed. */
    private boolean busy(Collection<TopicPartition> tps) {
        if (tps == null) {
            return inFlightBatches.get() > 0
                    || inFlightRecords.values().stream().anyMatch(n -> n > 0);
        }
        return tps.stream().anyMatch(tp -> inFlightRecords.getOrDefault(tp, 0) > 0);
    }

    private void awaitCompletion(long deadlineNanos) {
        try {
            Runnable completion = completions.poll(
                    Math.max(1, Math.min(50_000_000L, deadlineNanos - System.nanoTime())), TimeUnit.NANOSECONDS);
            if (completion != null) {
                completion.run();
                runCompletions();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void forget(Collection<TopicPartition> tps) {
        buffer.removeIf(p -> tps.contains(p.tp));
        bufferedBytes = buffer.stream().mapToLong(Pending::bytes).sum();
        retrying.removeIf(p -> tps.contains(p.tp));
        recentlyAcknowledged.keySet().removeIf(key -> tps.contains(key.tp()));
        offsets.remove(tps);
        tps.forEach(tp -> generations.computeIfPresent(tp, (k, g) -> -g - 1));
        if (unhealthy && retrying.isEmpty()) {
            // what was retried belongs to another instance now
            unhealthy = false;
            listener.healthy(true, "");
        }
    }

    private void fail(String reason, Throwable cause) {
        if (failure != null) {
            return;
        }
        failure = reason;
        LOG.error("{}: sink stops: {}", settings.name(), reason, cause);
        listener.failed(reason, cause);
    }

    private void closeConsumer() {
        try {
            consumer.close(settings.shutdownTimeout());
        } catch (RuntimeException e) {
            LOG.warn("{}: consumer close failed: {}", settings.name(), e.toString());
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            if (revoked.isEmpty()) {
                return;
            }
            // the writes already sent for these partitions are awaited, so what they acknowledged is committed
            // before the next owner starts from the committed offsets
            buffer.removeIf(p -> revoked.contains(p.tp));
            retrying.removeIf(p -> revoked.contains(p.tp));
            long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
            while (failure == null && busy(revoked) && System.nanoTime() < deadline) {
                awaitCompletion(deadline);
            }
            commitSync(offsets.committable(revoked));
            forget(revoked);
            LOG.info("{}: partitions revoked: {}", settings.name(), revoked);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            forget(lost);
            LOG.warn("{}: partitions lost (not committed): {}", settings.name(), lost);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            for (TopicPartition tp : assigned) {
                generations.merge(tp, 1, (old, one) -> Math.abs(old) + 1);
            }
            LOG.info("{}: partitions assigned: {}", settings.name(), assigned);
        }
    }

    /** The sink's meters: {@code <name>.sink.*}. */
    private final class Metrics {
        private final Timer batches;
        private final Counter records;
        private final Counter retries;
        private final Counter deadLettered;
        private final Timer readToAck;

        Metrics(String name, MeterRegistry registry) {
            String prefix = name + ".sink.";
            batches = Timer.builder(prefix + "batch")
                    .description("Batches written: count and time from sending to every outcome")
                    .publishPercentiles(0.5, 0.99)
                    .register(registry);
            records = Counter.builder(prefix + "records.acknowledged")
                    .description("Records the external system acknowledged")
                    .register(registry);
            retries = Counter.builder(prefix + "retries")
                    .description("Record writes retried after a transient failure")
                    .register(registry);
            deadLettered = Counter.builder(prefix + "dead.letters")
                    .description("Records the external system rejected, sent to the dead-letter topic")
                    .register(registry);
            readToAck = Timer.builder(prefix + "read.to.acknowledged")
                    .description("From reading a record to its acknowledgement")
                    .publishPercentiles(0.5, 0.99)
                    .register(registry);
            Gauge.builder(prefix + "in.flight.batches", inFlightBatches, AtomicInteger::get)
                    .description("Batches being written")
                    .register(registry);
        }

        void batch(int size, long nanos) {
            batches.record(nanos, TimeUnit.NANOSECONDS);
        }

        void acknowledged(Pending p) {
            records.increment();
            readToAck.record(System.nanoTime() - p.readNanos, TimeUnit.NANOSECONDS);
        }
    }
}
