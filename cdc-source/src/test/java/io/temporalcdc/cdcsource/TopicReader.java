package io.temporalcdc.cdcsource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.testsupport.Names;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads every topic under a prefix from the beginning and keeps what it read, per topic. */
final class TopicReader implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<ConsumerRecord<byte[], byte[]>>> records = new HashMap<>();
    private final Map<String, Set<String>> runIds = new HashMap<>();
    private final Map<String, Integer> runIdsSeen = new HashMap<>();
    private final Map<org.apache.kafka.common.TopicPartition, Long> next = new HashMap<>();

    TopicReader(String bootstrapServers, String topicPrefix) {
        this(bootstrapServers, Pattern.compile(Pattern.quote(topicPrefix) + "\\.temporal.*"));
    }

    /** Reads every topic matching {@code topics}. */
    TopicReader(String bootstrapServers, Pattern topics) {
        consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        Names.unique("reader"),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest",
                        ConsumerConfig.METADATA_MAX_AGE_CONFIG,
                        500,
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                        5000),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(topics);
    }

    /** Reads what is there (until a poll comes back empty) and returns everything read so far from {@code topic}. */
    synchronized List<ConsumerRecord<byte[], byte[]>> poll(String topic) {
        for (int i = 0; i < 50; i++) {
            final ConsumerRecords<byte[], byte[]> batch = consumer.poll(Duration.ofMillis(200));
            batch.forEach(r -> {
                // a rebalance (a new topic matched the pattern) rewinds to the earliest offset: keep each record once
                final org.apache.kafka.common.TopicPartition tp =
                        new org.apache.kafka.common.TopicPartition(r.topic(), r.partition());
                if (r.offset() >= next.getOrDefault(tp, 0L)) {
                    next.put(tp, r.offset() + 1);
                    records.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(r);
                }
            });
            if (batch.isEmpty()) {
                break;
            }
        }
        return List.copyOf(records.getOrDefault(topic, List.of()));
    }

    /** The distinct {@code run_id}s (trailing blanks removed) of the keys read so far from {@code topic}. */
    synchronized Set<String> runIds(String topic) {
        final List<ConsumerRecord<byte[], byte[]>> all = poll(topic);
        final Set<String> ids = runIds.computeIfAbsent(topic, t -> new TreeSet<>());
        for (int i = runIdsSeen.getOrDefault(topic, 0); i < all.size(); i++) {
            ids.add(json(all.get(i).key())
                    .path("payload")
                    .path("run_id")
                    .asText()
                    .trim());
        }
        runIdsSeen.put(topic, all.size());
        return new TreeSet<>(ids);
    }

    static JsonNode json(byte[] bytes) {
        try {
            return bytes == null ? null : JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
