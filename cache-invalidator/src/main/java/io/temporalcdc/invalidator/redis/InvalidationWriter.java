package io.temporalcdc.invalidator.redis;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Timer;
import io.temporalcdc.invalidator.InvalidationRecord;
import io.temporalcdc.invalidator.InvalidatorMetrics;
import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.invalidator.reader.Lsn;
import io.temporalcdc.runtime.sink.SinkOutcome;
import io.temporalcdc.runtime.sink.SinkWriter;
import io.temporalcdc.schemas.ConflictVersion;
import io.temporalcdc.schemas.RedisKeys;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes batches of the invalidations topic to Redis. Per batch: the keys are coalesced (a key repeated in the batch
 * is invalidated once, its records share the outcome); the fence is read from the primary ({@link WalPosition});
 * then {@code invalidate.lua} runs over chunks of keys, all chunks sent at once (Lettuce pipelines them on the
 * connection), unlinking each key and raising its fence {@code {key}:fence} to the batch's fence with a TTL of twice
 * its family's; then, when replicas are required, {@code WAIT} makes sure they hold it, so a failover cannot lose
 * it. With several regions, a key whose records name runs and their conflict versions also has its winner fence
 * {@code {key}:winner} raised ({@code winner.lua}: per run, the highest version seen, never lowered). Outcomes: done; retry when PostgreSQL or Redis cannot be reached, a command times out, the server is read-only
 * or loading (a failover), or too few replicas acknowledged; dead letter for a record without a key or with a key
 * outside the seed's families; fatal for an error that every write would meet (authentication, ACL, a broken
 * script).
 */
public final class InvalidationWriter implements SinkWriter {
    private static final Logger LOG = LoggerFactory.getLogger(InvalidationWriter.class);
    /** A fence outlives the longest time its key could have been filled with the value it fences. */
    static final int FENCE_TTL_FACTOR = 2;

    private static final List<String> FATAL_ERRORS = List.of(
            "NOPERM",
            "NOAUTH",
            "WRONGPASS",
            "ERR unknown command",
            // a script that fails: "ERR Error running script" before Redis 7, "ERR user_script:<line>: …" since
            "ERR Error running script",
            "ERR user_script",
            "ERR fence");

    private final StatefulRedisConnection<String, String> redis;
    private final WalPosition wal;
    private final InvalidatorMetrics metrics;
    private final int waitReplicas;
    private final Duration waitTimeout;
    private final int keysPerCall;

    /**
     * @param waitReplicas replicas that must acknowledge each batch ({@code WAIT}); 0 for none
     * @param keysPerCall keys per script call (a call runs atomically on the server: keep it short)
     */
    public InvalidationWriter(
            StatefulRedisConnection<String, String> redis,
            WalPosition wal,
            InvalidatorMetrics metrics,
            int waitReplicas,
            Duration waitTimeout,
            int keysPerCall) {
        this.redis = redis;
        this.wal = wal;
        this.metrics = metrics;
        this.waitReplicas = waitReplicas;
        this.waitTimeout = waitTimeout;
        this.keysPerCall = keysPerCall;
    }

    /**
     * The distinct keys of a batch, with the records that named each, and per key the highest conflict version of
     * each run its records named (several regions; empty otherwise).
     */
    private record Coalesced(
            List<String> keys,
            List<Integer> slotOf,
            List<Duration> fenceTtls,
            List<Map<String, ConflictVersion>> winners) {}

    @Override
    public CompletableFuture<List<SinkOutcome>> write(List<ConsumerRecord<byte[], byte[]>> batch) {
        SinkOutcome[] outcomes = new SinkOutcome[batch.size()];
        Coalesced coalesced = coalesce(batch, outcomes);
        if (coalesced.keys().isEmpty()) {
            return CompletableFuture.completedFuture(List.of(outcomes));
        }
        return wal.current().thenCompose(fence -> invalidate(coalesced, fence)).handle((keyOutcomes, error) -> {
            long now = System.currentTimeMillis();
            for (int i = 0; i < batch.size(); i++) {
                if (outcomes[i] != null) {
                    continue;
                }
                int slot = coalesced.slotOf().get(i);
                outcomes[i] = error != null ? failure(error) : keyOutcomes.get(slot);
                if (outcomes[i] == SinkOutcome.DONE) {
                    metrics.latency(InvalidationRecord.sourceTsMs(batch.get(i).headers()), now);
                }
            }
            return List.of(outcomes);
        });
    }

    private Coalesced coalesce(List<ConsumerRecord<byte[], byte[]>> batch, SinkOutcome[] outcomes) {
        Map<String, Integer> slots = new LinkedHashMap<>();
        List<Integer> slotOf = new ArrayList<>(batch.size());
        List<Duration> ttls = new ArrayList<>();
        List<Map<String, ConflictVersion>> winners = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            byte[] raw = batch.get(i).key();
            String key = raw == null ? null : new String(raw, StandardCharsets.UTF_8);
            // never session: keys (the Web UI's own), though RedisKeys knows their TTL
            Duration ttl = key == null || !RedisKeys.isInvalidated(key)
                    ? null
                    : RedisKeys.ttlOf(key).orElse(null);
            if (ttl == null) {
                slotOf.add(-1);
                outcomes[i] = new SinkOutcome.DeadLetter(
                        key == null
                                ? "an invalidation without a key"
                                : "not a key of the cache families the invalidator keeps fresh (wf_meta:, tq_info:): "
                                        + key,
                        IllegalArgumentException.class.getName());
                continue;
            }
            Optional<InvalidationRecord.Winner> winner;
            try {
                winner = InvalidationRecord.winner(batch.get(i).headers());
            } catch (IllegalArgumentException e) {
                // the key is invalidated all the same; only the winner fence is not raised
                metrics.winnerUnreadable("header " + InvalidationRecord.WINNER_VERSION + ": " + e.getMessage());
                winner = Optional.empty();
            }
            Integer slot = slots.get(key);
            if (slot == null) {
                slot = slots.size();
                slots.put(key, slot);
                ttls.add(ttl.multipliedBy(FENCE_TTL_FACTOR));
                winners.add(new LinkedHashMap<>());
            }
            slotOf.add(slot);
            Map<String, ConflictVersion> runs = winners.get(slot);
            winner.ifPresent(
                    w -> runs.merge(w.runId(), w.version(), (held, seen) -> seen.winsOver(held) ? seen : held));
        }
        return new Coalesced(List.copyOf(slots.keySet()), slotOf, ttls, winners);
    }

    /** Runs the script over every chunk, then WAIT: one outcome per distinct key. */
    private CompletableFuture<List<SinkOutcome>> invalidate(Coalesced batch, long fence) {
        RedisAsyncCommands<String, String> async = redis.async();
        Timer.Sample sample = Timer.start();
        String fenceHex = Lsn.hex(fence);
        List<String> keys = batch.keys();
        // winner fences first (several regions): one call per key that names runs. The keys are unlinked only once
        // they hold, so no reader fills a losing state in between; a failure fails the batch (retried whole)
        List<CompletableFuture<Long>> winnerCalls = new ArrayList<>();
        for (int k = 0; k < keys.size(); k++) {
            Map<String, ConflictVersion> runs = batch.winners().get(k);
            if (runs.isEmpty()) {
                continue;
            }
            List<String> args = new ArrayList<>(1 + runs.size() * 2);
            args.add(Long.toString(batch.fenceTtls().get(k).toMillis()));
            runs.forEach((run, version) -> {
                args.add(run);
                args.add(version.text());
            });
            winnerCalls.add(CacheScripts.WINNER.run(
                    async,
                    ScriptOutputType.INTEGER,
                    new String[] {CacheScripts.winnerKey(keys.get(k))},
                    args.toArray(String[]::new)));
        }
        CompletableFuture<Void> winnersRaised = CompletableFuture.allOf(winnerCalls.toArray(CompletableFuture[]::new));
        List<CompletableFuture<Long>> calls = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += keysPerCall) {
            int to = Math.min(keys.size(), from + keysPerCall);
            String[] scriptKeys = new String[(to - from) * 2];
            String[] args = new String[to - from + 1];
            args[0] = fenceHex;
            for (int k = from; k < to; k++) {
                scriptKeys[(k - from) * 2] = keys.get(k);
                scriptKeys[(k - from) * 2 + 1] = CacheScripts.fenceKey(keys.get(k));
                args[k - from + 1] = Long.toString(batch.fenceTtls().get(k).toMillis());
            }
            calls.add(
                    winnerCalls.isEmpty()
                            ? CacheScripts.INVALIDATE.run(async, ScriptOutputType.INTEGER, scriptKeys, args)
                            : winnersRaised.thenCompose(raised -> CacheScripts.INVALIDATE.<Long>run(
                                    async, ScriptOutputType.INTEGER, scriptKeys, args)));
        }
        List<CompletableFuture<Long>> everything = new ArrayList<>(calls);
        everything.addAll(winnerCalls);
        CompletableFuture<Void> all = CompletableFuture.allOf(everything.toArray(CompletableFuture[]::new));
        CompletableFuture<Long> replicas = waitReplicas <= 0
                ? all.thenApply(done -> 0L)
                : all.thenCompose(done -> async.waitForReplication(waitReplicas, waitTimeout.toMillis())
                        .toCompletableFuture());
        return replicas.handle((acknowledged, error) -> {
            sample.stop(metrics.redisTimer());
            SinkOutcome[] outcomes = new SinkOutcome[keys.size()];
            long deleted = 0;
            SinkOutcome shortfall = null;
            if (error == null && waitReplicas > 0 && acknowledged < waitReplicas) {
                metrics.waitShortfall();
                shortfall = new SinkOutcome.Retry("WAIT: " + acknowledged + " of " + waitReplicas
                        + " replicas acknowledged within " + waitTimeout.toMillis() + " ms");
            }
            for (int c = 0; c < calls.size(); c++) {
                CompletableFuture<Long> call = calls.get(c);
                SinkOutcome outcome;
                if (call.isCompletedExceptionally()) {
                    outcome = failure(call.exceptionNow());
                } else if (error != null) {
                    outcome = failure(error);
                } else if (shortfall != null) {
                    outcome = shortfall;
                } else {
                    outcome = SinkOutcome.DONE;
                    deleted += call.resultNow();
                }
                int from = c * keysPerCall;
                Arrays.fill(outcomes, from, Math.min(keys.size(), from + keysPerCall), outcome);
            }
            int done = 0;
            for (SinkOutcome outcome : outcomes) {
                if (outcome == SinkOutcome.DONE) {
                    done++;
                }
            }
            // records folded into another of the same key: counted once, when the batch got through
            int folded = done == 0
                    ? 0
                    : (int) batch.slotOf().stream().filter(slot -> slot >= 0).count() - keys.size();
            metrics.invalidated(done, deleted, Math.max(0, folded), done > 0 ? fence : 0);
            return List.of(outcomes);
        });
    }

    /** What a failure means for the records it hit. */
    static SinkOutcome failure(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = cause.getClass().getSimpleName() + ": " + cause.getMessage();
        if (cause instanceof WalPosition.WalPositionException) {
            return new SinkOutcome.Retry(cause.getMessage());
        }
        if (cause instanceof RedisCommandExecutionException && cause.getMessage() != null) {
            for (String fatal : FATAL_ERRORS) {
                if (cause.getMessage().startsWith(fatal)) {
                    LOG.error("Redis refuses every invalidation: {}", cause.getMessage());
                    return new SinkOutcome.Fatal("Redis: " + cause.getMessage());
                }
            }
        }
        return new SinkOutcome.Retry("Redis: " + message);
    }
}
