package io.temporalcdc.indexer;

import io.temporalcdc.testsupport.LocalStack;
import java.util.HashMap;
import java.util.Map;

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
}
