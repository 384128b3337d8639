package io.temporalcdc.runtime;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * How often and how patiently an external write is retried: exponential backoff (factor 2) from
 * {@code initialBackoff} up to {@code maxBackoff}, at most {@code maxAttempts} attempts and at most
 * {@code maxDuration} from the first failure, whichever ends first.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxDuration) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
        if (maxDuration.isNegative()) {
            throw new IllegalArgumentException("maxDuration must not be negative");
        }
    }

    /** A policy bounded by attempts only. */
    public RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        this(maxAttempts, initialBackoff, maxBackoff, Duration.ofDays(365));
    }

    /** 10 attempts, 200 ms doubling up to 10 s: about a minute of patience in all. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(10));
    }

    /** A policy bounded by time only: retry until {@code maxDuration} has passed since the first failure. */
    public static RetryPolicy forDuration(Duration initialBackoff, Duration maxBackoff, Duration maxDuration) {
        return new RetryPolicy(Integer.MAX_VALUE, initialBackoff, maxBackoff, maxDuration);
    }

    /** The wait before retry number {@code retry} (1 for the first retry): exponential, capped. */
    public Duration backoff(int retry) {
        return Duration.ofMillis(intervals().apply(Math.max(1, retry)));
    }

    /** resilience4j's interval function of this policy (the one backoff schedule for sync and async retries). */
    IntervalFunction intervals() {
        long initial = Math.max(1, initialBackoff.toMillis());
        return IntervalFunction.ofExponentialBackoff(initial, 2.0, Math.max(initial, maxBackoff.toMillis()));
    }

    /** Whether retrying may go on, {@code elapsed} after the first failure, before attempt {@code attempt}. */
    public boolean allows(int attempt, Duration elapsed) {
        return attempt <= maxAttempts && elapsed.compareTo(maxDuration) <= 0;
    }
}
