package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.RedisSentinels;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seed's Redis topology (a primary, a replica, three sentinels) under a steady stream of changes, with the
 * invalidator finding the primary through the sentinels and waiting for one replica per batch (the default with
 * {@code redis-sentinel://}). A SIGKILL of the primary and a {@code SENTINEL FAILOVER} mid-stream: afterwards every
 * changed key is gone from the new primary and fenced at least at its last change.
 */
class SentinelFailoverIT {
    private RedisSentinels redis;

    /** Each test on sentinels of its own: a failover leaves them settling for a while, and the next must not race it. */
    @BeforeEach
    void startRedis() {
        redis = RedisSentinels.start(Path.of("target", "own-servers"));
    }

    @AfterEach
    void stopRedis() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void shouldLoseNoInvalidationWhenThePrimaryIsKilled() throws Exception {
        survives(() -> {
            int killed = redis.killPrimary();
            int primary = redis.awaitNewPrimary(killed, Duration.ofSeconds(60));
            redis.startAgain(killed);
            return primary;
        });
    }

    @Test
    void shouldLoseNoInvalidationAcrossASentinelFailover() throws Exception {
        survives(() -> {
            int old = redis.primaryPort();
            redis.failover();
            return redis.awaitNewPrimary(old, Duration.ofSeconds(60));
        });
    }

    /** Streams changes, runs {@code incident} (which returns the new primary's port), then checks every change. */
    private void survives(IntSupplier incident) throws Exception {
        redis.awaitReplicas(1, Duration.ofSeconds(60));
        String prefix = Names.unique("inv-sentinel");
        // each key changes once (300/s for some 15 s): an invalidation the old primary took and lost stays visible
        try (ChangeStream stream = new ChangeStream(prefix, Names.unique("ns"), 30_000, ChangeStream.Order.EACH_ONCE)) {
            fill(redis.dataUri(redis.primaryPort()), stream);
            EmbeddedAppContext ctx = new EmbeddedAppContext("cache-invalidator");
            try (AutoCloseable app = CacheInvalidatorApp.start(
                    InvalidatorTestSettings.onStack(prefix, Names.unique("inv-sentinel-app"), "redis.uri", redis.uri()),
                    ctx)) {
                await().atMost(Duration.ofSeconds(60)).until(ctx::isReady);
                stream.start(300);
                Thread.sleep(3_000);

                int primary = incident.getAsInt();

                Thread.sleep(5_000);
                stream.stop();
                RedisClient client = RedisClient.create(redis.dataUri(primary));
                try (StatefulRedisConnection<String, String> connection = client.connect()) {
                    await().atMost(Duration.ofSeconds(90))
                            .untilAsserted(() -> stream.assertEveryChangeInvalidated(connection.sync()));
                } finally {
                    client.shutdown();
                }
                assertThat(ctx.failure()).isNull();
                assertThat(stream.sent()).isGreaterThan(1_000);
            }
        }
    }

    private void fill(String uri, ChangeStream stream) throws Exception {
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            stream.cacheAll(connection.async());
            // the replica holds them too, so whichever node ends up primary has them to invalidate
            connection.sync().waitForReplication(1, 5_000);
        } finally {
            client.shutdown();
        }
    }
}
