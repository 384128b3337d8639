package io.temporalcdc.invalidator;

import io.temporalcdc.testsupport.LocalStack;
import java.util.HashMap;
import java.util.Map;

/** Settings of an in-process invalidator on the shared stack (its Kafka, PostgreSQL and, unless replaced, Redis). */
final class InvalidatorTestSettings {
    private InvalidatorTestSettings() {}

    /** The settings, plus {@code extra} key/value pairs. */
    static Map<String, String> onStack(String topicPrefix, String applicationId, String... extra) {
        LocalStack stack = LocalStack.shared();
        Map<String, String> settings = new HashMap<>(Map.of(
                "kafka.bootstrap.servers",
                stack.kafka().bootstrapServers(),
                "redis.uri",
                stack.redis().uri(),
                "database.url",
                stack.postgres().jdbcUrl(),
                "topic.prefix",
                topicPrefix,
                "topic.partitions",
                "2",
                "application.id",
                applicationId,
                "http.port",
                "0"));
        settings.put("schema.registry.url", stack.schemaRegistry().url());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return settings;
    }
}
