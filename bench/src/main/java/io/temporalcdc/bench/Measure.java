package io.temporalcdc.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What every scenario measures with: waiting for a condition, clocks, rates, samples, topic sizes. */
final class Measure {
    private static final Logger LOG = LoggerFactory.getLogger(Measure.class);
    private static final Duration LONG_WAIT = Duration.ofMinutes(15);

    private Measure() {}

    /** A condition a scenario waits for. */
    interface Check {
        boolean done() throws Exception;
    }

    static void await(String what, Check check) throws Exception {
        await(what, Duration.ofMillis(20), check);
    }

    /** Polls {@code check} every {@code interval} (a /metrics scrape costs the app CPU: not too often). */
    static void await(String what, Duration interval, Check check) throws Exception {
        long deadline = System.nanoTime() + LONG_WAIT.toNanos();
        long lastLog = System.nanoTime();
        while (!check.done()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting until " + what);
            }
            if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
                LOG.info("waiting until {}", what);
                lastLog = System.nanoTime();
            }
            TimeUnit.MILLISECONDS.sleep(interval.toMillis());
        }
    }

    static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static String rate(long count, double seconds) {
        return String.format("%,.0f", count / seconds);
    }

    static double value(OptionalDouble value) {
        return value.isPresent() ? value.getAsDouble() : Double.NaN;
    }

    /** The median of one column of samples, ignoring the unknown ones. */
    static double median(List<double[]> samples, int column) {
        double[] values = samples.stream()
                .mapToDouble(s -> s[column])
                .filter(v -> !Double.isNaN(v))
                .sorted()
                .toArray();
        return values.length == 0 ? Double.NaN : values[values.length / 2];
    }

    /** The largest of one column of samples, ignoring the unknown ones. */
    static double worst(List<double[]> samples, int column) {
        return samples.stream()
                .mapToDouble(s -> s[column])
                .filter(v -> !Double.isNaN(v))
                .max()
                .orElse(Double.NaN);
    }

    /** The records a topic holds, summed over its partitions' end offsets. */
    static long endOffsets(String bootstrapServers, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var description =
                    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        }
    }
}
