package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {
    private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(5));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Retrier retrier = new Retrier("es", FAST, e -> e instanceof IOException, registry);

    @Test
    void shouldRetryTransientFailuresUntilSuccess() {
        AtomicInteger calls = new AtomicInteger();

        String result = retrier.call("index doc", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new IOException("connection refused");
            }
            return "ok";
        });

        assertThat(result).isEqualTo("ok");
        assertThat(calls).hasValue(3);
        assertThat(registry.get("retries").tag("retrier", "es").counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void shouldGiveUpAfterMaxAttemptsWithTheLastCause() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call("index doc", () -> {
                    calls.incrementAndGet();
                    throw new IOException("down " + calls.get());
                }))
                .isInstanceOf(RetryExhaustedException.class)
                .hasMessageContaining("index doc failed after 4 attempts")
                .hasRootCauseMessage("down 4");
        assertThat(calls).hasValue(4);
    }

    @Test
    void shouldRethrowNonRetryableFailureAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call("index doc", () -> {
                    calls.incrementAndGet();
                    throw new IllegalArgumentException("mapper_parsing_exception");
                }))
                .isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(calls).hasValue(1);
    }

    @Test
    void shouldBackOffExponentiallyUpToTheCap() {
        RetryPolicy policy =
                RetryPolicy.forDuration(Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofMinutes(2));

        assertThat(policy.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(policy.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(policy.backoff(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(policy.backoff(9)).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.allows(1_000, Duration.ofSeconds(119))).isTrue();
        assertThat(policy.allows(2, Duration.ofSeconds(121))).isFalse();
    }

    @Test
    void shouldStopRetryingWhenInterruptedAndKeepTheInterrupt() {
        Retrier slow = new Retrier(
                "es",
                new RetryPolicy(5, Duration.ofSeconds(5), Duration.ofSeconds(5)),
                e -> e instanceof IOException,
                null);
        Thread.currentThread().interrupt();
        try {
            assertThatThrownBy(() -> slow.call("index doc", () -> {
                        throw new IOException("down");
                    }))
                    .isInstanceOf(RetryExhaustedException.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }
}
