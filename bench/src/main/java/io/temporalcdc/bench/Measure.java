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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
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

    /** A count an app under test reports on its /metrics. */
    interface Count {
        long read() throws Exception;
    }

    /**
     * Waits until {@code count} reaches {@code target}. Each reading is a /metrics scrape that costs the app under test
     * CPU (about 10 ms with Kafka Streams' meters), so it is read once a second while far from the target and more
     * often near it: every eighth of the time the rate so far says is left, down to 100 ms, so the end is seen within
     * a tenth of a second while the scrapes take about 1 % of the app's time.
     */
    static void awaitCount(String what, long target, Count count) throws Exception {
        long start = System.nanoTime();
        long deadline = start + LONG_WAIT.toNanos();
        long lastLog = start;
        long seen;
        while ((seen = count.read()) < target) {
            long now = System.nanoTime();
            if (now > deadline) {
                throw new IllegalStateException("timed out waiting until " + what + " (" + seen + " so far)");
            }
            if (now - lastLog > TimeUnit.SECONDS.toNanos(10)) {
                LOG.info("waiting until {} ({} so far)", what, seen);
                lastLog = now;
            }
            long sleepMs = 1_000;
            if (seen > 0) {
                double leftMs = (target - seen) * ((now - start) / 1e6) / seen;
                sleepMs = Math.clamp((long) (leftMs / 8), 100, 1_000);
            }
            TimeUnit.MILLISECONDS.sleep(sleepMs);
        }
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
    /**
     * Seconds a plain Kafka consumer (one thread, in this JVM, default fetch settings) takes to read the first
     * {@code records} records of {@code topic} from the beginning, doing nothing with them: the rate no consumer of
     * that topic on this machine exceeds by much.
     */
    static double readAll(String bootstrapServers, String topic, long records) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.forEach(consumer::position); // the seeks resolved before the clock starts
            long start = System.nanoTime();
            long read = 0;
            long deadline = start + LONG_WAIT.toNanos();
            while (read < records) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("timed out reading " + records + " records of " + topic);
                }
                read += consumer.poll(Duration.ofMillis(100)).count();
            }
            return seconds(start);
        }
    }

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
