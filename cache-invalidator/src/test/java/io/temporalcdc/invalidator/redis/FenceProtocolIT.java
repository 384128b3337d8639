package io.temporalcdc.invalidator.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.invalidator.InvalidationRecord;
import io.temporalcdc.invalidator.InvalidatorMetrics;
import io.temporalcdc.invalidator.reader.CacheAside;
import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.invalidator.reader.Lsn;
import io.temporalcdc.runtime.sink.SinkOutcome;
import io.temporalcdc.schemas.ConflictVersion;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fence protocol over the stack's real Redis and PostgreSQL: the invalidator's writer (unlink, fence from the
 * primary's WAL position) against the reader library's fill.
 */
class FenceProtocolIT {
    private static final Duration TTL = RedisKeys.WF_META_TTL;

    private static RedisConnector redis;
    private static WalPosition wal;
    private static SimpleMeterRegistry registry;
    private static InvalidationWriter writer;
    private static CacheAside cache;
    private static RedisCommands<String, String> commands;

    @BeforeAll
    static void connect() {
        LocalStack stack = LocalStack.shared();
        redis = RedisConnector.connect(stack.redis().uri(), null);
        wal = new WalPosition(stack.postgres().jdbcUrl(), null, null);
        registry = new SimpleMeterRegistry();
        writer = new InvalidationWriter(
                redis.connection(), wal, new InvalidatorMetrics(registry), 0, Duration.ofMillis(200), 3);
        cache = new CacheAside(redis.connection());
        commands = redis.connection().sync();
    }

    @AfterAll
    static void close() {
        if (redis != null) {
            redis.close();
        }
        if (wal != null) {
            wal.close();
        }
    }

    private static ConsumerRecord<byte[], byte[]> invalidation(String key, long offset) {
        return invalidation(key, offset, null);
    }

    private static ConsumerRecord<byte[], byte[]> invalidation(
            String key, long offset, InvalidationRecord.Winner winner) {
        RecordHeaders headers = new RecordHeaders();
        (winner == null
                        ? InvalidationRecord.headers(System.currentTimeMillis())
                        : InvalidationRecord.headers(System.currentTimeMillis(), winner))
                .forEach(headers::add);
        return new ConsumerRecord<>(
                "p.cache.invalidations",
                0,
                offset,
                System.currentTimeMillis(),
                TimestampType.CREATE_TIME,
                key == null ? -1 : key.length(),
                1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                "t".getBytes(StandardCharsets.UTF_8),
                headers,
                Optional.empty());
    }

    private static List<SinkOutcome> write(String... keys) throws Exception {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            batch.add(invalidation(keys[i], i));
        }
        return writer.write(batch).get();
    }

    private static long primaryPosition() throws Exception {
        try (Connection connection = LocalStack.shared().postgres().connect()) {
            return CacheAside.readVersion(connection);
        }
    }

    private static String key() {
        return RedisKeys.workflowMeta(Names.unique("ns"), "order-1");
    }

    @Test
    void shouldUnlinkTheKeyAndFenceItAtThePrimarysPosition() throws Exception {
        String key = key();
        long before = primaryPosition();
        assertThat(cache.fill(key, "v0", before, TTL)).isTrue();

        assertThat(write(key)).containsExactly(SinkOutcome.DONE);

        assertThat(cache.get(key)).isEmpty();
        long fence = Lsn.fromHex(commands.get(CacheScripts.fenceKey(key)));
        assertThat(fence).isGreaterThanOrEqualTo(before).isLessThanOrEqualTo(primaryPosition());
        assertThat(commands.pttl(CacheScripts.fenceKey(key)))
                .isGreaterThan(TTL.toMillis())
                .isLessThanOrEqualTo(TTL.multipliedBy(2).toMillis());
        assertThat(registry.get("cache.invalidator.keys.deleted").counter().count())
                .isGreaterThanOrEqualTo(1.0);
    }

    @Test
    void shouldRefuseAFillOlderThanTheFenceAndTakeOneAtOrAboveIt() throws Exception {
        String key = key();
        long stale = primaryPosition();
        write(key);
        long fence = Lsn.fromHex(commands.get(CacheScripts.fenceKey(key)));

        assertThat(cache.fill(key, "stale", stale - 1, TTL)).isFalse();
        assertThat(cache.get(key)).isEmpty();
        assertThat(cache.fill(key, "fresh", fence, TTL)).isTrue();
        assertThat(cache.get(key)).contains("fresh");
        assertThat(commands.pttl(key)).isPositive().isLessThanOrEqualTo(TTL.toMillis());
    }

    @Test
    void shouldKeepTheHighestConflictVersionOfEachRunAndRefuseTheLosersFill() throws Exception {
        String key = key();
        ConflictVersion a = new ConflictVersion(1, 5, "a");
        ConflictVersion b = new ConflictVersion(2, 3, "b");
        ConflictVersion empty = new ConflictVersion(-24, 9, "b"); // Temporal's EmptyVersion sorts below 1
        // one batch: run-1 named by a, then b (coalesced to b's), run-2 by the lower one only
        List<ConsumerRecord<byte[], byte[]>> batch = List.of(
                invalidation(key, 0, new InvalidationRecord.Winner("run-1", a)),
                invalidation(key, 1, new InvalidationRecord.Winner("run-1", b)),
                invalidation(key, 2, new InvalidationRecord.Winner("run-2", empty)));
        assertThat(writer.write(batch).get()).containsOnly(SinkOutcome.DONE);
        // a later batch with a's lower version (the crossed arrival): never lowered
        assertThat(writer.write(List.of(invalidation(key, 3, new InvalidationRecord.Winner("run-1", a))))
                        .get())
                .containsExactly(SinkOutcome.DONE);

        String winners = CacheScripts.winnerKey(key);
        assertThat(commands.hget(winners, "run-1")).isEqualTo(b.text());
        assertThat(commands.hget(winners, "run-2")).isEqualTo(empty.text());
        assertThat(commands.pttl(winners)).isGreaterThan(TTL.toMillis());

        long position = primaryPosition();
        assertThat(cache.fill(key, "a's state", position, "run-1", a)).isFalse();
        assertThat(cache.fill(key, "b's older state", position, "run-1", new ConflictVersion(2, 2, "b")))
                .isFalse();
        assertThat(cache.get(key)).isEmpty();
        assertThat(cache.fill(key, "b's state", position, "run-1", b)).isTrue();
        assertThat(cache.get(key)).contains("b's state");
        // a run the fence does not know, and a later state of the winner, fill as usual
        commands.del(key);
        assertThat(cache.fill(key, "run-3", position, "run-3", a)).isTrue();
        commands.del(key);
        assertThat(cache.fill(key, "b's next state", position, "run-1", new ConflictVersion(2, 4, "a")))
                .isTrue();
    }

    @Test
    void shouldInvalidateAKeyWhoseConflictVersionIsUnreadableWithoutRaisingItsWinnerFence() throws Exception {
        String key = key();
        commands.set(key, "cached");
        ConsumerRecord<byte[], byte[]> bad = invalidation(key, 0);
        bad.headers().add(InvalidationRecord.WINNER_RUN, "run-1".getBytes(StandardCharsets.UTF_8));
        bad.headers().add(InvalidationRecord.WINNER_VERSION, "not-a-version".getBytes(StandardCharsets.UTF_8));
        double before = registry.get("cache.invalidator.winner.versions.unreadable")
                .counter()
                .count();

        assertThat(writer.write(List.of(bad)).get()).containsExactly(SinkOutcome.DONE);

        assertThat(commands.get(key)).isNull();
        assertThat(commands.exists(CacheScripts.winnerKey(key))).isZero();
        assertThat(registry.get("cache.invalidator.winner.versions.unreadable")
                        .counter()
                        .count())
                .isEqualTo(before + 1);
    }

    @Test
    void shouldLetAnotherRegionsCopyOfTheWinningStateFillAndStripTheRunIdsPadding() throws Exception {
        String key = key();
        ConflictVersion winner = new ConflictVersion(1, 7, "b");
        assertThat(writer.write(List.of(invalidation(key, 0, new InvalidationRecord.Winner("run-1", winner))))
                        .get())
                .containsExactly(SinkOutcome.DONE);
        long position = primaryPosition();
        // region a read its copy of the same state (the subscription copied b's row): equal numbers, it fills
        assertThat(cache.fill(key, "a's copy", position, "run-1", new ConflictVersion(1, 7, "a")))
                .isTrue();
        commands.del(key);
        // the run id as JDBC reads a CHAR(64) column: padded; an older state is refused all the same
        assertThat(cache.fill(key, "older", position, String.format("%-64s", "run-1"), new ConflictVersion(1, 6, "b")))
                .isFalse();
    }

    @Test
    void shouldNeverLowerAFence() throws Exception {
        String key = key();
        String high = Lsn.hex(Long.MAX_VALUE - 5);
        commands.psetex(CacheScripts.fenceKey(key), 1_000, high);
        commands.set(key, "cached");

        assertThat(write(key)).containsExactly(SinkOutcome.DONE);

        assertThat(commands.get(key)).isNull();
        assertThat(commands.get(CacheScripts.fenceKey(key))).isEqualTo(high);
        // the fence kept its value and was given the family's fence TTL
        assertThat(commands.pttl(CacheScripts.fenceKey(key))).isGreaterThan(TTL.toMillis());
    }

    @Test
    void shouldCoalesceAKeyRepeatedInABatchAcrossScriptCalls() throws Exception {
        String a = key();
        String b = key();
        String c = RedisKeys.taskQueueInfo(Names.unique("ns"), "orders", 1);
        double coalescedBefore =
                registry.get("cache.invalidator.coalesced").counter().count();
        double invalidationsBefore =
                registry.get("cache.invalidator.invalidations").counter().count();

        List<String> keys = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            keys.add(a);
        }
        keys.add(b);
        keys.add(c);
        keys.add(a);
        List<SinkOutcome> outcomes = write(keys.toArray(String[]::new));

        assertThat(outcomes).hasSize(53).containsOnly(SinkOutcome.DONE);
        assertThat(registry.get("cache.invalidator.coalesced").counter().count() - coalescedBefore)
                .isEqualTo(50.0);
        assertThat(registry.get("cache.invalidator.invalidations").counter().count() - invalidationsBefore)
                .isEqualTo(3.0);
        assertThat(commands.exists(CacheScripts.fenceKey(a), CacheScripts.fenceKey(b), CacheScripts.fenceKey(c)))
                .isEqualTo(3L);
        assertThat(commands.pttl(CacheScripts.fenceKey(c)))
                .isGreaterThan(RedisKeys.TQ_INFO_TTL.toMillis())
                .isLessThanOrEqualTo(RedisKeys.TQ_INFO_TTL.multipliedBy(2).toMillis());
    }

    @Test
    void shouldReplaceAFenceThatIsNotAnLsnAndRefuseFillsAgainstIt() throws Exception {
        String key = key();
        commands.hset(CacheScripts.fenceKey(key), "not", "a fence");
        assertThat(cache.fill(key, "v", primaryPosition(), TTL)).isFalse();

        assertThat(write(key)).containsExactly(SinkOutcome.DONE);

        assertThat(commands.type(CacheScripts.fenceKey(key))).isEqualTo("string");
        assertThat(cache.fill(key, "v", primaryPosition(), TTL)).isTrue();
    }

    @Test
    void shouldDeadLetterAKeyOutsideTheInvalidatedFamiliesAndWriteTheOthers() throws Exception {
        String good = key();
        String session = RedisKeys.session(Names.unique("s"));
        commands.set(session, "the Web UI's");

        List<SinkOutcome> outcomes = write("other:" + Names.unique("x"), good, null, session);

        assertThat(outcomes.get(0))
                .isInstanceOfSatisfying(
                        SinkOutcome.DeadLetter.class,
                        dead -> assertThat(dead.reason())
                                .startsWith("not a key of the cache families the invalidator keeps fresh"));
        assertThat(outcomes.get(1)).isEqualTo(SinkOutcome.DONE);
        assertThat(outcomes.get(2)).isInstanceOf(SinkOutcome.DeadLetter.class);
        assertThat(outcomes.get(3)).isInstanceOf(SinkOutcome.DeadLetter.class);
        assertThat(commands.exists(CacheScripts.fenceKey(good))).isEqualTo(1L);
        // a session is never touched
        assertThat(commands.get(session)).isEqualTo("the Web UI's");
        assertThat(commands.exists(CacheScripts.fenceKey(session))).isZero();
    }

    @Test
    void shouldRefuseAFillWhoseFenceKeyIsNotTheBracedOne() throws Exception {
        String key = key();
        assertThat(write(key)).containsExactly(SinkOutcome.DONE);
        String fence = commands.get(CacheScripts.fenceKey(key));

        // a reader in another language that took {key}:fence for a placeholder: an error, never a silent fill
        assertThatThrownBy(() -> CacheScripts.FILL
                        .run(
                                redis.connection().async(),
                                ScriptOutputType.INTEGER,
                                new String[] {key, key + ":fence"},
                                "stale",
                                Lsn.hex(1),
                                "60000")
                        .get())
                .hasMessageContaining("fence key must be {" + key + "}:fence");
        assertThat(commands.get(key)).isNull();
        assertThat(commands.get(CacheScripts.fenceKey(key))).isEqualTo(fence);
    }

    @Test
    void shouldFillForTheTtlOfTheKeysFamily() throws Exception {
        String workflow = key();
        String queue = RedisKeys.taskQueueInfo(Names.unique("ns"), "q", 1);

        assertThat(cache.fill(workflow, "w", primaryPosition())).isTrue();
        assertThat(cache.fill(queue, "q", primaryPosition())).isTrue();

        assertThat(commands.pttl(workflow)).isBetween(590_000L, 600_000L);
        assertThat(commands.pttl(queue)).isBetween(290_000L, 300_000L);
        assertThatThrownBy(() -> cache.fill("other:" + Names.unique("x"), "v", primaryPosition()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("belongs to no key family");
    }

    @Test
    void shouldSendTheScriptAgainWhenTheServerForgotIt() throws Exception {
        commands.scriptFlush();
        String key = key();
        commands.set(key, "cached");

        assertThat(write(key)).containsExactly(SinkOutcome.DONE);
        assertThat(commands.get(key)).isNull();
        assertThat(commands.scriptExists(CacheScripts.INVALIDATE.sha())).containsExactly(true);
    }

    @Test
    void shouldRetryWhenTooFewReplicasAcknowledge() throws Exception {
        InvalidationWriter waiting = new InvalidationWriter(
                redis.connection(),
                wal,
                new InvalidatorMetrics(new SimpleMeterRegistry()),
                1,
                Duration.ofMillis(100),
                10);
        String key = key();

        List<SinkOutcome> outcomes =
                waiting.write(List.of(invalidation(key, 0))).get();

        assertThat(outcomes)
                .singleElement()
                .isEqualTo(new SinkOutcome.Retry("WAIT: 0 of 1 replicas acknowledged within 100 ms"));
    }

    @Test
    void shouldRetryWhenThePrimaryCannotBeRead() throws Exception {
        try (WalPosition nowhere = new WalPosition("jdbc:postgresql://127.0.0.1:1/temporal", "temporal", null)) {
            InvalidationWriter writer = new InvalidationWriter(
                    redis.connection(),
                    nowhere,
                    new InvalidatorMetrics(new SimpleMeterRegistry()),
                    0,
                    Duration.ofMillis(100),
                    10);
            String key = key();
            commands.set(key, "cached");

            List<SinkOutcome> outcomes =
                    writer.write(List.of(invalidation(key, 0))).get();

            assertThat(outcomes)
                    .singleElement()
                    .isInstanceOfSatisfying(
                            SinkOutcome.Retry.class,
                            retry -> assertThat(retry.reason())
                                    .startsWith(
                                            "pg_current_wal_lsn() on jdbc:postgresql://127.0.0.1:1/temporal failed"));
            // no fence, no unlink: the whole batch is written again
            assertThat(commands.get(key)).isEqualTo("cached");
        }
    }
}
