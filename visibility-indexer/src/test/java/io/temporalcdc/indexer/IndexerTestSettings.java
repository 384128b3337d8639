package io.temporalcdc.indexer;

import io.temporalcdc.testsupport.LocalStack;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Settings of an in-process indexer on the shared stack: one shard, no replica, 1 s refresh. */
final class IndexerTestSettings {
    private IndexerTestSettings() {}

    /** The settings, plus {@code extra} key/value pairs. */
    static Map<String, String> onStack(String topicPrefix, String indexPrefix, String applicationId, String... extra) {
        LocalStack stack = LocalStack.shared();
        Map<String, String> settings = new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                stack.kafka().bootstrapServers(),
                "elasticsearch.url",
                stack.elasticsearch().url(),
                "topic.prefix",
                topicPrefix,
                "index.prefix",
                indexPrefix,
                "application.id",
                applicationId,
                "index.shards",
                "1",
                "index.replicas",
                "0",
                "index.refresh.interval",
                "1s"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return settings;
    }

    /** A producer of raw records to the shared stack's Kafka, acknowledged by all replicas. */
    static KafkaProducer<byte[], byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        LocalStack.shared().kafka().bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
