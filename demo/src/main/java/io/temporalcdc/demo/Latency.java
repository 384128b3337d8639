package io.temporalcdc.demo;

import java.util.Locale;
import java.util.OptionalDouble;

/**
 * Two quantiles of an app's commit-to-done latency (a Prometheus summary in seconds), each empty when unknown.
 *
 * @param p50Seconds the median
 * @param p99Seconds the 99th percentile
 */
record Latency(OptionalDouble p50Seconds, OptionalDouble p99Seconds) {

    static final Latency UNKNOWN = new Latency(OptionalDouble.empty(), OptionalDouble.empty());

    /** The 0.5 and 0.99 quantiles of the summary {@code name} in the Prometheus text {@code metrics}. */
    static Latency of(String metrics, String name) {
        return new Latency(
                PrometheusText.quantile(metrics, name, "0.5"), PrometheusText.quantile(metrics, name, "0.99"));
    }

    boolean isKnown() {
        return p50Seconds.isPresent() && p99Seconds.isPresent();
    }

    /** {@code "p50 12 ms p99 80 ms"}, with {@code ?} for an unknown quantile. */
    String describe() {
        return "p50 " + millis(p50Seconds) + " p99 " + millis(p99Seconds);
    }

    static String millis(OptionalDouble seconds) {
        return seconds.isPresent() ? String.format(Locale.ROOT, "%.0f ms", seconds.getAsDouble() * 1000) : "?";
    }
}
