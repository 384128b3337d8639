package io.temporalcdc.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;

/**
 * Ready once {@code GET http://127.0.0.1:<published port><path>} answers 200: the containers backend publishes on
 * this machine's loopback only, where Testcontainers' own HTTP wait would ask the host it computes (the bridge's
 * gateway, when it believes itself in a container).
 */
final class LoopbackHttpWait extends AbstractWaitStrategy {
    private final int containerPort;
    private final String path;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    LoopbackHttpWait(int containerPort, String path) {
        this.containerPort = containerPort;
        this.path = path;
    }

    @Override
    protected void waitUntilReady() {
        URI uri = URI.create("http://127.0.0.1:" + waitStrategyTarget.getMappedPort(containerPort) + path);
        long deadline = System.nanoTime() + startupTimeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + response.statusCode();
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ContainerLaunchException("interrupted while waiting for " + uri, e);
            }
            Procs.pause(250);
        }
        throw new ContainerLaunchException(
                "GET " + uri + " did not answer 200 within " + startupTimeout.toSeconds() + " s (last: " + last + ")");
    }
}
