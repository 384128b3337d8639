package io.temporalcdc.runtime;

import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way external writes (Elasticsearch, Redis, JDBC) are retried: exponential backoff, an
 * {@code isRetryable} predicate, the operation named in logs, a counter of retries.
 *
 * <p>A failure the predicate rejects is not retried: an unchecked exception is rethrown as it is,
 * a checked one wrapped in {@link RetryExhaustedException}. When every attempt failed, the last
 * exception is wrapped in {@link RetryExhaustedException}. An interrupt is restored and ends the
 * retries with a {@link RetryExhaustedException}.
 */
public final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    private final String name;
    private final RetryPolicy policy;
    private final Counter retries;

    public Retrier(String name, RetryPolicy policy, MeterRegistry registry) {
        this.name = name;
        this.policy = policy;
        this.retries = registry == null
                ? null
                : Counter.builder("retries")
                        .tag("retrier", name)
                        .description("Retried attempts of external operations")
                        .register(registry);
    }

    /** Calls {@code op} until it succeeds, fails with an exception {@code retryable} rejects, or the policy is exhausted. */
    public <T> T call(String operation, Callable<T> op, Predicate<Throwable> retryable) {
        Retry retry = Retry.of(name + ":" + operation, config(retryable));
        retry.getEventPublisher().onRetry(event -> {
            if (retries != null) {
                retries.increment();
            }
            LOG.warn(
                    "{}: {} failed on attempt {} ({}); retrying in {} ms",
                    name,
                    operation,
                    event.getNumberOfRetryAttempts(),
                    event.getLastThrowable(),
                    event.getWaitInterval().toMillis());
        });
        try {
            return retry.executeCallable(op);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RetryExhaustedException(name + ": " + operation + " interrupted", e);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted() || !retryable.test(e)) {
                throw interruptedOr(operation, e);
            }
            throw exhausted(operation, e);
        } catch (Exception e) {
            if (!retryable.test(e)) {
                throw new RetryExhaustedException(name + ": " + operation + " failed, not retryable: " + e, e);
            }
            throw exhausted(operation, e);
        }
    }

    private RuntimeException interruptedOr(String operation, RuntimeException e) {
        if (Thread.currentThread().isInterrupted()) {
            return new RetryExhaustedException(name + ": " + operation + " interrupted", e);
        }
        return e;
    }

    private RetryExhaustedException exhausted(String operation, Exception e) {
        return new RetryExhaustedException(
                name + ": " + operation + " failed after " + policy.maxAttempts() + " attempts: " + e, e);
    }

    private RetryConfig config(Predicate<Throwable> retryable) {
        long initial = Math.max(1, policy.initialBackoff().toMillis());
        return RetryConfig.custom()
                .maxAttempts(policy.maxAttempts())
                .intervalFunction(IntervalFunction.ofExponentialBackoff(
                        initial, 2.0, policy.maxBackoff().toMillis()))
                .retryOnException(retryable)
                .failAfterMaxAttempts(false)
                .build();
    }
}
