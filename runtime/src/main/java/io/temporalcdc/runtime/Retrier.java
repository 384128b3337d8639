package io.temporalcdc.runtime;

import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way synchronous external calls (Redis, JDBC, Elasticsearch admin calls) are retried: exponential
 * backoff, an {@code isRetryable} predicate, the operation named in logs, a counter of retries. One resilience4j
 * {@link Retry} per retrier, built once. Asynchronous writers (the bulk sink) use the same {@link RetryPolicy}
 * schedule through {@link RetryPolicy#backoff(int)}.
 *
 * <p>A failure the predicate rejects is not retried: an unchecked exception is rethrown as it is, a checked one
 * wrapped in {@link RetryExhaustedException}. When every attempt failed, the last exception is wrapped in
 * {@link RetryExhaustedException}. An interrupt is restored and ends the retries with a
 * {@link RetryExhaustedException}.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final String name;
    private final RetryPolicy policy;
    private final Predicate<Throwable> retryable;
    private final Retry retry;

    /**
     * @param name names the retrier in logs and in the {@code retries} counter's {@code retrier} tag
     * @param retryable which failures are transient
     * @param registry where the counter lives, or null
     */
    public Retrier(String name, RetryPolicy policy, Predicate<Throwable> retryable, MeterRegistry registry) {
        this.name = name;
        this.policy = policy;
        this.retryable = retryable;
        this.retry = Retry.of(
                name,
                RetryConfig.custom()
                        .maxAttempts(policy.maxAttempts())
                        .intervalFunction(policy.intervals())
                        .retryOnException(retryable)
                        .failAfterMaxAttempts(false)
                        .build());
        Counter retries = registry == null
                ? null
                : Counter.builder("retries")
                        .tag("retrier", name)
                        .description("Retried attempts of external operations")
                        .register(registry);
        retry.getEventPublisher().onRetry(event -> {
            if (retries != null) {
                retries.increment();
            }
            LOG.warn(
                    "{}: attempt {} failed ({}); retrying in {} ms",
                    name,
                    event.getNumberOfRetryAttempts(),
                    event.getLastThrowable().toString(),
                    event.getWaitInterval().toMillis());
        });
    }

    /** Calls {@code op} until it succeeds, fails with a non-retryable exception, or the policy is exhausted. */
    public <T> T call(String operation, Callable<T> op) {
        Callable<T> named = () -> {
            try {
                return op.call();
            } catch (Exception e) {
                LOG.debug("{}: {} failed: {}", name, operation, e.toString());
                throw e;
            }
        };
        try {
            return retry.executeCallable(named);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryExhaustedException(name + ": " + operation + " interrupted", e);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw new RetryExhaustedException(name + ": " + operation + " interrupted", e);
            }
            if (!retryable.test(e)) {
                throw e;
            }
            throw exhausted(operation, e);
        } catch (Exception e) {
            if (!retryable.test(e)) {
                throw new RetryExhaustedException(name + ": " + operation + " failed, not retryable: " + e, e);
            }
            throw exhausted(operation, e);
        }
    }

    private RetryExhaustedException exhausted(String operation, Exception e) {
        return new RetryExhaustedException(
                name + ": " + operation + " failed after " + policy.maxAttempts() + " attempts: " + e, e);
    }
}
