package io.temporalcdc.cli;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads partitions from given offsets up to their end offsets at the start, without a consumer group. */
final class TopicReader {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration STALL = Duration.ofSeconds(60);

    private TopicReader() {}

    /**
     * Hands every record of {@code from}'s partitions, from the given offsets to the end offsets at the start, to
     * {@code each}.
     */
    static void read(
            Map<String, Object> clientProperties,
            Map<TopicPartition, Long> from,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        if (from.isEmpty()) {
            return;
        }
        Map<String, Object> props = new HashMap<>(clientProperties);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "temporal-cdc-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a position that retention passed restarts at the first record still there, never silently at the end
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Collection<TopicPartition> partitions = from.keySet();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> remaining = new HashMap<>();
            for (TopicPartition tp : partitions) {
                long start = Math.max(
                        from.get(tp), consumer.beginningOffsets(List.of(tp)).get(tp));
                if (start < ends.get(tp)) {
                    consumer.seek(tp, start);
                    remaining.put(tp, ends.get(tp));
                }
            }
            consumer.assign(remaining.keySet());
            long lastRecordNanos = System.nanoTime();
            while (!remaining.isEmpty()) {
                var records = consumer.poll(POLL);
                if (!records.isEmpty()) {
                    lastRecordNanos = System.nanoTime();
                }
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    Long end = remaining.get(tp);
                    if (end != null && record.offset() < end) {
                        each.accept(record);
                    }
                }
                remaining.entrySet().removeIf(e -> consumer.position(e.getKey()) >= e.getValue());
                consumer.assign(remaining.keySet());
                if (System.nanoTime() - lastRecordNanos > STALL.toNanos()) {
                    throw new CliException(
                            "reading " + remaining.keySet() + " stalled for " + STALL.toSeconds() + " s");
                }
            }
        }
    }
}
