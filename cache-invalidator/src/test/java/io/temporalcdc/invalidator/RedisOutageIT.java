package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.invalidator.redis.RedisConnector;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped for 30 s while changes stream in: the invalidator retries with readiness DOWN, and once Redis is back
 * every changed key is gone and fenced at least at its last change. Redis here saves its dataset on the stop and loads
 * it on the start (an outage, not a data loss), so the keys cached before are still there to be invalidated.
 */
class RedisOutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(30);

    @Test
    void shouldLoseNoInvalidationWhileRedisIsDown() throws Exception {
        String prefix = Names.unique("inv-outage");
        try (OwnServers own = OwnServers.redis(Path.of("target", "own-servers"));
                // each key changes once (200/s for about 40 s): a lost invalidation leaves its key cached
                ChangeStream stream =
                        new ChangeStream(prefix, Names.unique("ns"), 30_000, ChangeStream.Order.EACH_ONCE)) {
            RedisConnector redis = RedisConnector.connect(own.redis().uri(), null);
            stream.cacheAll(redis.connection().async());
            EmbeddedAppContext ctx = EmbeddedAppContext.withHttp("cache-invalidator", "127.0.0.1", 0);
            try (AutoCloseable app = CacheInvalidatorApp.start(
                    InvalidatorTestSettings.onStack(
                            prefix,
                            Names.unique("inv-outage-app"),
                            "redis.uri",
                            own.redis().uri()),
                    ctx)) {
                await().atMost(Duration.ofSeconds(60)).until(ctx::isReady);
                stream.start(200);
                Thread.sleep(3_000);

                own.stopRedis();
                await().atMost(Duration.ofSeconds(20)).until(() -> !ctx.isReady());
                // as a load balancer sees it: not ready, with the reason, and still alive
                java.net.http.HttpResponse<String> ready = health(ctx, "/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).contains("\"status\":\"DOWN\"", "\"reason\":\"retrying");
                assertThat(health(ctx, "/health/live").statusCode()).isEqualTo(200);
                Thread.sleep(OUTAGE.toMillis());
                assertThat(ctx.failure())
                        .as("the app gave up during the outage")
                        .isNull();
                own.startRedis();

                await().atMost(Duration.ofSeconds(60)).until(ctx::isReady);
                assertThat(health(ctx, "/health/ready").statusCode()).isEqualTo(200);
                Thread.sleep(2_000);
                stream.stop();
                await().atMost(Duration.ofSeconds(60))
                        .untilAsserted(() -> stream.assertEveryChangeInvalidated(
                                redis.connection().sync()));
                assertThat(ctx.failure()).isNull();
                assertThat(ctx.registry().scrape()).containsPattern("cache_invalidator_sink_retries_total\\S* [1-9]");
            } finally {
                redis.close();
            }
        }
    }

    private static java.net.http.HttpResponse<String> health(EmbeddedAppContext ctx, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + ctx.httpPort() + path))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
    }
}
