package io.temporalcdc.cdcsource;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporalcdc.runtime.AppContext;

/** An {@link AppContext} for running the app in-process: records readiness and failure. */
final class TestAppContext implements AppContext {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();

    @Override
    public String appName() {
        return "cdc-source";
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

    @Override
    public int httpPort() {
        return 0;
    }

    boolean isReady() {
        return ready.get();
    }

    String failure() {
        return failure.get();
    }
}
