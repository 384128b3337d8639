package io.temporalcdc.runtime;

import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** What a running app may use of its runtime: metrics, readiness and the way to fail. */
public interface AppContext {
    /** The app's name, as given to {@link App#run}. */
    String appName();

    /** The registry served at {@code /metrics}. */
    PrometheusMeterRegistry registry();

    /** Sets the readiness reported by {@code /health}. */
    void ready(boolean ready);

    /** Sets the readiness reported by {@code /health}, with the reason shown while not ready. */
    default void ready(boolean ready, String reason) {
        ready(ready);
    }

    /** Fatal failure: logs it, closes the app and exits 1. Safe from any thread; returns at once. */
    void fail(String reason, Throwable cause);

    /** The port the HTTP endpoints are bound to. */
    int httpPort();

    /**
     * Serves an app's own HTTP API at {@code path} (and below) on the app's HTTP port, next to {@code /health} and
     * {@code /metrics}.
     *
     * @throws UnsupportedOperationException where no HTTP endpoints are served
     */
    void route(String path, HttpHandler handler);
}
