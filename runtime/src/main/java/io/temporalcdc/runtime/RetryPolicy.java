package io.temporalcdc.runtime;

import java.time.Duration;

/**
 * How often and how patiently an external write is retried: exponential backoff (factor 2) from
 * {@code initialBackoff} up to {@code maxBackoff}, {@code maxAttempts} attempts in all.
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (initialBackoff.isNegative() || maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException("need 0 <= initialBackoff <= maxBackoff");
        }
    }

    /** 10 attempts, 200 ms doubling up to 10 s: about a minute of patience in all. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(10, Duration.ofMillis(200), Duration.ofSeconds(10));
    }
}
