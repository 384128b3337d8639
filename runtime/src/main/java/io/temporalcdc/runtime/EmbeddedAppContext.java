package io.temporalcdc.runtime;

import com.sun.net.httpserver.HttpHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link AppContext} for running an app inside another program (an integration test, an
 * embedding service) instead of through {@link App#run}: metrics go to a private registry, readiness is
 * kept and a failure is recorded for the host to act on. HTTP endpoints ({@code /health}, {@code /metrics}
 * and the app's own) are served only by an instance made {@link #withHttp}; {@link #close()} stops them.
 */
public final class EmbeddedAppContext implements AppContext, AutoCloseable {
    private final String appName;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicBoolean wasReady = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();
    private final AtomicReference<String> notReadyReason = new AtomicReference<>("starting");
    private final HttpEndpoints http;

    /** Without HTTP endpoints. */
    public EmbeddedAppContext(String appName) {
        this.appName = appName;
        this.http = null;
    }

    private EmbeddedAppContext(String appName, String host, int port) throws IOException {
        this.appName = appName;
        this.http = new HttpEndpoints(
                host,
                port,
                // as App says it: STARTING until first ready, DOWN when not ready after that
                () -> failure.get() != null ? "DOWN" : ready.get() ? "UP" : wasReady.get() ? "DOWN" : "STARTING",
                () -> failure.get() != null ? failure.get() : notReadyReason.get(),
                () -> failure.get() == null,
                registry);
    }

    /**
     * With HTTP endpoints on {@code host:port} (port 0: any free port, see {@link #httpPort()}).
     *
     * @throws IOException when the port cannot be bound
     */
    public static EmbeddedAppContext withHttp(String appName, String host, int port) throws IOException {
        return new EmbeddedAppContext(appName, host, port);
    }

    @Override
    public String appName() {
        return appName;
    }

    @Override
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    @Override
    public void ready(boolean isReady) {
        ready.set(isReady);
        if (isReady) {
            wasReady.set(true);
        }
    }

    @Override
    public void ready(boolean isReady, String reason) {
        notReadyReason.set(isReady ? null : reason);
        ready(isReady);
    }

    @Override
    public void fail(String reason, Throwable cause) {
        failure.compareAndSet(null, reason);
    }

    /** The port of the HTTP endpoints; 0 when none are served. */
    @Override
    public int httpPort() {
        return http == null ? 0 : http.port();
    }

    @Override
    public void route(String path, HttpHandler handler) {
        if (http == null) {
            throw new UnsupportedOperationException(
                    appName + " runs without HTTP endpoints: create its context with EmbeddedAppContext.withHttp");
        }
        http.route(path, handler);
    }

    /** Stops the HTTP endpoints, if any. */
    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }

    /** The readiness the app last reported. */
    public boolean isReady() {
        return ready.get();
    }

    /** The first failure the app reported, or null. */
    public String failure() {
        return failure.get();
    }
}
