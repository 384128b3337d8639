package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.invalidator.redis.RedisConnector;
import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real deployable jar, as its own process: configuration errors and unreachable servers name the setting; a
 * SIGKILL under a steady stream of changes loses nothing once it is restarted; SIGTERM exits 0.
 */
class CacheInvalidatorJarIT {
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
    private static final Path LOGS = Path.of("target", "jar-it");

    private final List<JavaApp> apps = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopApps() {
        apps.forEach(JavaApp::close);
    }

    private JavaApp start(String name, List<String> args) {
        JavaApp app = JavaApp.start(
                name, JavaApp.jarOf("cache-invalidator"), args, Map.of(), LOGS.resolve(Names.unique(name) + ".log"));
        apps.add(app);
        return app;
    }

    private static int freePort() {
        return Ports.free();
    }

    private static String lastLine(JavaApp app) {
        List<String> lines = app.lastLines(1);
        return lines.isEmpty() ? "" : lines.get(0);
    }

    private static List<String> settings(String prefix, String applicationId, int httpPort) {
        LocalStack stack = LocalStack.shared();
        return List.of(
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "redis.uri=" + stack.redis().uri(),
                "database.url=" + stack.postgres().jdbcUrl(),
                "database.user=" + stack.postgres().user(),
                "topic.prefix=" + prefix,
                "topic.partitions=2",
                "application.id=" + applicationId,
                "http.port=" + httpPort,
                "http.host=127.0.0.1");
    }

    @Test
    void shouldExitTwoNamingEveryMissingRequiredSetting() {
        JavaApp app = start("no-settings", List.of("http.port=0"));

        OptionalInt exit = app.waitFor(EXIT_WITHIN);

        assertThat(exit).hasValue(2);
        assertThat(String.join("\n", app.lastLines(20)))
                .contains("kafka.bootstrap.servers")
                .contains("redis.uri")
                .contains("database.url");
    }

    @Test
    void shouldExitOneNamingRedisUriWhenNothingListens() throws Exception {
        List<String> args = new ArrayList<>(settings(Names.unique("jar-redis-down"), Names.unique("app"), 0));
        args.add("redis.uri=redis://127.0.0.1:" + freePort());
        JavaApp app = start("redis-down", args);

        OptionalInt exit = app.waitFor(EXIT_WITHIN);

        assertThat(exit).hasValue(1);
        assertThat(lastLine(app)).contains("ERROR").contains("redis.uri");
    }

    @Test
    void shouldLoseNothingWhenKilledUnderAWriterAndRestarted() throws Exception {
        String prefix = Names.unique("jar-kill");
        String applicationId = Names.unique("jar-kill-app");
        int httpPort = freePort();
        // 400 changes/s for about 12 s: each key changes once, so an invalidation lost to the SIGKILL stays visible
        try (ChangeStream stream = new ChangeStream(prefix, Names.unique("ns"), 10_000, ChangeStream.Order.EACH_ONCE);
                RedisConnector redis =
                        RedisConnector.connect(LocalStack.shared().redis().uri(), null)) {
            stream.cacheAll(redis.connection().async());
            JavaApp first = start("invalidator", settings(prefix, applicationId, httpPort));
            awaitUp(httpPort);
            stream.start(400);
            Thread.sleep(4_000);

            first.kill();
            Thread.sleep(2_000);
            JavaApp second = start("invalidator-restarted", settings(prefix, applicationId, httpPort));
            awaitUp(httpPort);
            Thread.sleep(3_000);
            stream.stop();

            await().atMost(Duration.ofSeconds(90))
                    .untilAsserted(() -> stream.assertEveryChangeInvalidated(
                            redis.connection().sync()));
            assertThat(stream.sent()).isGreaterThan(1_000);
            assertThat(get(httpPort, "/metrics")).contains("cache_invalidator_invalidations_total");
            assertThat(second.terminate(Duration.ofSeconds(40))).isZero();
        }
    }

    private void awaitUp(int port) {
        await().atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .untilAsserted(() -> assertThat(http.send(
                                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(200));
    }

    private String get(int port, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
