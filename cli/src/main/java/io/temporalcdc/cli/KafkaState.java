package io.temporalcdc.cli;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Offsets and groups, read with the Admin client; every call waits at most 30 s. */
public final class KafkaState implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    public KafkaState(Map<String, Object> clientProperties) {
        this.admin = Admin.create(clientProperties);
    }

    /** @return the partitions of {@code topic}, or empty when it does not exist */
    public List<TopicPartition> partitions(String topic) {
        try {
            TopicDescription description =
                    get(admin.describeTopics(Set.of(topic)).allTopicNames()).get(topic);
            return description.partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
        } catch (CliException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return List.of();
            }
            throw e;
        }
    }

    /** @return the end offset of every partition */
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.latest());
    }

    /** @return the first offset still in every partition */
    public Map<TopicPartition, Long> startOffsets(Collection<TopicPartition> partitions) {
        return offsets(partitions, OffsetSpec.earliest());
    }

    private Map<TopicPartition, Long> offsets(Collection<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, spec));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        if (request.isEmpty()) {
            return offsets;
        }
        get(admin.listOffsets(request).all()).forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** @return the committed offsets of {@code group} (empty when it has none) */
    public Map<TopicPartition, OffsetAndMetadata> committed(String group) {
        Map<TopicPartition, OffsetAndMetadata> committed =
                get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
        committed.forEach((tp, offset) -> {
            if (offset != null) {
                present.put(tp, offset);
            }
        });
        return present;
    }

    /** Deletes a consumer group that has no members. */
    public void deleteGroup(String group) {
        get(admin.deleteConsumerGroups(List.of(group)).all());
    }

    private static <T> T get(KafkaFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        } catch (ExecutionException e) {
            CliException failure = new CliException("Kafka: " + e.getCause().getMessage());
            failure.initCause(e.getCause());
            throw failure;
        } catch (TimeoutException e) {
            throw new CliException("Kafka did not answer within " + TIMEOUT_SECONDS + " s (--bootstrap-servers?)");
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
