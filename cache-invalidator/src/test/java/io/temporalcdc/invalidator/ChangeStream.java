package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.temporalcdc.invalidator.reader.CacheAside;
import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.invalidator.reader.Lsn;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A steady stream of workflow changes into one topic prefix's change topics, as Debezium would write them, for the
 * outage and crash tests: each change names a workflow of a fixed pool, and the stream remembers, for each key, the
 * primary's WAL position read just before its last change was sent. The invalidator's fence for that change is read
 * after the change arrived, so it must be at least that position; {@link #assertEveryChangeInvalidated} checks it.
 *
 * <p>With {@link Order#EACH_ONCE} (the incident tests) every change names a workflow no change named before, so a
 * lost invalidation cannot be hidden by a later change of the same key: the key, cached before the stream started,
 * is still there. The pool must be larger than the changes sent; the stream fails the test when it runs out.
 */
final class ChangeStream implements AutoCloseable {
    /** Which workflow each change names. */
    enum Order {
        /** Any of the pool, at random: keys change several times, some never. */
        RANDOM,
        /** The next of the pool: each key changes once. */
        EACH_ONCE
    }

    private final Order order;
    private final AtomicLong next = new AtomicLong();
    private volatile Throwable failure;
    private final String prefix;
    private final String namespace;
    private final int workflows;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Map<String, Long> lastChangeAt = new ConcurrentHashMap<>();
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong sent = new AtomicLong();
    private final Connection primary;
    private Thread thread;

    ChangeStream(String prefix, String namespace, int workflows, Order order) throws SQLException {
        this.order = order;
        this.prefix = prefix;
        this.namespace = namespace;
        this.workflows = workflows;
        this.producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        LocalStack.shared().kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        this.primary = LocalStack.shared().postgres().connect();
    }

    /** @return the key of workflow {@code i} of the pool */
    String key(int i) {
        return RedisKeys.workflowMeta(namespace, "wf-" + i);
    }

    /** @return every key of the pool */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < workflows; i++) {
            keys.add(key(i));
        }
        return keys;
    }

    /** Sends about {@code perSecond} changes a second, spread over the tables, until {@link #stop()}. */
    void start(int perSecond) {
        running.set(true);
        thread = new Thread(
                () -> {
                    while (running.get()) {
                        try {
                            sendBurst(Math.max(1, perSecond / 10));
                            Thread.sleep(100);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            failure = e;
                            return;
                        }
                    }
                },
                "change-stream");
        thread.setDaemon(true);
        thread.start();
    }

    /** Sends {@code count} changes of random workflows now. */
    void sendBurst(int count) throws Exception {
        long position = CacheAside.readVersion(primary);
        List<String> tables = InvalidationRules.WORKFLOW_TABLES;
        for (int n = 0; n < count; n++) {
            int i = pick();
            String table = tables.get(ThreadLocalRandom.current().nextInt(tables.size()));
            byte[] value = Changes.change(
                    n % 3 == 0 ? "d" : "u",
                    n % 3 == 0 ? Changes.workflowRow(namespace, "wf-" + i, Map.of()) : null,
                    n % 3 == 0 ? null : Changes.workflowRow(namespace, "wf-" + i, Map.of("n", n)),
                    System.currentTimeMillis());
            lastChangeAt.put(key(i), position);
            producer.send(new ProducerRecord<>(
                    Topics.table(prefix, "temporal", table), Changes.key("{\"wf\":" + i + "}"), value));
            sent.incrementAndGet();
        }
        producer.flush();
    }

    private int pick() {
        if (order == Order.RANDOM) {
            return ThreadLocalRandom.current().nextInt(workflows);
        }
        long i = next.getAndIncrement();
        if (i >= workflows) {
            throw new IllegalStateException("all " + workflows + " workflows changed once: make the pool larger");
        }
        return (int) i;
    }

    /** Caches every key of the pool ({@code "cached"}, the seed's TTL), pipelined. */
    void cacheAll(RedisAsyncCommands<String, String> redis) throws Exception {
        List<RedisFuture<String>> sets = new ArrayList<>();
        for (String key : keys()) {
            sets.add(redis.setex(key, RedisKeys.WF_META_TTL.toSeconds(), "cached"));
        }
        for (RedisFuture<String> set : sets) {
            set.get();
        }
    }

    /** Stops sending and waits for the thread. */
    void stop() throws InterruptedException {
        running.set(false);
        if (thread != null) {
            thread.join(10_000);
        }
        producer.flush();
    }

    long sent() {
        return sent.get();
    }

    /** @return the keys changed so far */
    List<String> changedKeys() {
        return List.copyOf(lastChangeAt.keySet());
    }

    /** Every changed key is absent and fenced at least at the position read before its last change. */
    void assertEveryChangeInvalidated(RedisCommands<String, String> redis) {
        assertThat(failure).as("the change stream failed").isNull();
        assertThat(lastChangeAt).isNotEmpty();
        lastChangeAt.forEach((key, position) -> {
            assertThat(redis.exists(key)).as("%s is still cached", key).isZero();
            String fence = redis.get(CacheScripts.fenceKey(key));
            assertThat(fence).as("fence of %s", key).isNotNull();
            assertThat(Lsn.fromHex(fence))
                    .as("fence of %s against its last change at %s", key, Lsn.format(position))
                    .isGreaterThanOrEqualTo(position);
        });
    }

    @Override
    public void close() throws SQLException {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close();
        primary.close();
    }
}
