package io.temporalcdc.indexer;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.temporalcdc.runtime.AppContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** An {@link AppContext} for running the app inside a test JVM: records readiness and failures. */
final class TestAppContext implements AppContext {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicBoolean ready = new AtomicBoolean();
    private final AtomicReference<String> failure = new AtomicReference<>();

    @Override
    public String appName() {
        return "visibility-indexer";
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
