package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class AppTest {
    private static final ConfigDef DEF = new ConfigDef()
            .define(
                    "kafka.bootstrap.servers",
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    ConfigDef.Importance.HIGH,
                    "Kafka");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldExitWithTwoOnInvalidConfiguration() {
        int code = App.forTest("t").execute(new String[] {"http.port=0"}, DEF, 0, (s, ctx) -> () -> {});

        assertThat(code).isEqualTo(2);
    }

    @Test
    void shouldExitWithOneWhenAPreflightCheckFails() {
        int code = App.forTest("t")
                .execute(new String[] {"kafka.bootstrap.servers=x", "http.port=0"}, DEF, 0, (s, ctx) -> {
                    throw new PreflightException("kafka.bootstrap.servers", "no broker", null);
                });

        assertThat(code).isEqualTo(1);
    }

    @Test
    void shouldServeHealthAndMetricsThenCloseAndExitWithOneOnFailure() throws Exception {
        AtomicReference<AppContext> context = new AtomicReference<>();
        AtomicBoolean closed = new AtomicBoolean();
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> App.forTest("t")
                .execute(new String[] {"kafka.bootstrap.servers=x", "http.port=0"}, DEF, 0, (settings, ctx) -> {
                    ctx.registry().counter("things_done").increment();
                    context.set(ctx);
                    return () -> closed.set(true);
                }));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> context.get() != null && context.get().httpPort() > 0);
        AppContext ctx = context.get();

        assertThat(get(ctx, "/health").statusCode()).isEqualTo(503);
        ctx.ready(true);
        assertThat(get(ctx, "/health").body()).isEqualTo("{\"status\":\"UP\"}");
        ctx.ready(false, "retrying writes: 503 \"unavailable\"");
        HttpResponse<String> down = get(ctx, "/health/ready");
        assertThat(down.statusCode()).isEqualTo(503);
        assertThat(down.body())
                .isEqualTo("{\"status\":\"DOWN\",\"reason\":\"retrying writes: 503 \\\"unavailable\\\"\"}");
        HttpResponse<String> live = get(ctx, "/health/live");
        assertThat(live.statusCode()).as("alive while not ready").isEqualTo(200);
        assertThat(live.body()).isEqualTo("{\"status\":\"UP\"}");
        ctx.ready(true);
        assertThat(get(ctx, "/metrics").body()).contains("things_done_total 1.0");

        // exact paths, GET only
        for (String path : new String[] {"/health/", "/health/readyx", "/healthz", "/metrics/x", "/health/live/1"}) {
            HttpResponse<String> missing = get(ctx, path);
            assertThat(missing.statusCode()).as(path).isEqualTo(404);
            assertThat(missing.body()).contains("no such path");
        }
        for (String path : new String[] {"/health", "/health/ready", "/health/live", "/metrics"}) {
            HttpResponse<String> posted = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ctx.httpPort() + path))
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(path).isEqualTo(405);
            assertThat(posted.headers().firstValue("Allow")).hasValue("GET, HEAD");
        }
        HttpResponse<String> head = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ctx.httpPort() + "/health/ready"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(head.statusCode()).isEqualTo(200);

        ctx.fail("boom", new IllegalStateException("boom"));

        assertThat(exit.get()).isEqualTo(1);
        assertThat(closed).isTrue();
    }

    private HttpResponse<String> get(AppContext ctx, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ctx.httpPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
