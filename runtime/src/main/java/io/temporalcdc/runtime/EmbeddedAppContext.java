package io.temporalcdc.runtime;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An {@link AppContext} for running an app inside another program (an integration test, an
 * embedding service) instead of through {@link App#run}: metrics go to a private registry, no HTTP
 * endpoints are served, readiness is kept and a failure is recorded for the host to act on.
 */
public final class EmbeddedAppContext implements AppContext {
    private final String appName;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();

    public EmbeddedAppContext(String appName) {
        this.appName = appName;
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
    }

    @Override
    public void fail(String reason, Throwable cause) {
        failure.compareAndSet(null, reason);
    }

    /** No endpoints are served: always 0. */
    @Override
    public int httpPort() {
        return 0;
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
