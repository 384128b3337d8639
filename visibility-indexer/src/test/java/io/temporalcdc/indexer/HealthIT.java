package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The health conventions over HTTP, as a load balancer or a Kubernetes probe sees them: while a second instance
 * joins and leaves (two rebalances), the first one's {@code /health/live} and {@code /health/ready} stay 200; with
 * {@code health.rebalance.grace.ms=0} readiness drops during the rebalance, so the grace is what keeps it.
 */
class HealthIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldStayLiveAndReadyWhileAnInstanceJoinsAndLeaves() throws Exception {
        List<String> seen = rebalanceTwice(Names.unique("health"), "30000");

        assertThat(seen)
                .as("every answer of /health/live and /health/ready")
                .isNotEmpty()
                .allMatch(s -> s.endsWith(" 200"));
    }

    @Test
    void shouldNotBeReadyWhileRebalancingWithoutAGrace() throws Exception {
        List<String> seen = rebalanceTwice(Names.unique("health-nograce"), "0");

        assertThat(seen).filteredOn(s -> s.startsWith("/health/live")).allMatch(s -> s.endsWith(" 200"));
        assertThat(seen).as("readiness while rebalancing, no grace").contains("/health/ready 503");
    }

    /** @return "path status" of every poll of the first instance while a second one joins and leaves */
    private List<String> rebalanceTwice(String name, String grace) throws Exception {
        LocalStack.shared().kafka().createTopic(Topics.visibilityExecutions(name), 6);
        EmbeddedAppContext first = EmbeddedAppContext.withHttp("visibility-indexer", "127.0.0.1", 0);
        List<String> seen = new CopyOnWriteArrayList<>();
        try (AutoCloseable app = VisibilityIndexerApp.start(settings(name, "first", grace), first)) {
            await().atMost(WAIT).until(() -> status(first.httpPort(), "/health/ready") == 200);
            AtomicBoolean polling = new AtomicBoolean(true);
            Thread poller = Thread.ofPlatform().start(() -> {
                while (polling.get()) {
                    for (String path : List.of("/health/live", "/health/ready")) {
                        seen.add(path + " " + status(first.httpPort(), path));
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            EmbeddedAppContext second = EmbeddedAppContext.withHttp("visibility-indexer", "127.0.0.1", 0);
            try (AutoCloseable joined = VisibilityIndexerApp.start(settings(name, "second", grace), second)) {
                await().atMost(WAIT).until(() -> status(second.httpPort(), "/health/ready") == 200);
                Thread.sleep(2_000);
            }
            Thread.sleep(5_000);
            polling.set(false);
            poller.join();
            assertThat(first.failure()).isNull();
        }
        return seen;
    }

    private int status(int port, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static Map<String, String> settings(String name, String instance, String grace) {
        return IndexerTestSettings.onStack(
                name,
                name,
                name + "-app",
                "health.rebalance.grace.ms",
                grace,
                "streams.state.dir",
                Path.of("target", "state", name + "-" + instance).toString(),
                "streams.num.stream.threads",
                "1");
    }
}
