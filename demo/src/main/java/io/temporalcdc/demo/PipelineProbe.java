package io.temporalcdc.demo;

import io.temporalcdc.schemas.Topics;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures a running pipeline from outside: the Kafka consumer lag (end offsets minus committed offsets) of the
 * indexer's and the invalidator's consumer groups, the replication slot's lag in WAL bytes, and the apps' own metrics.
 */
public final class PipelineProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineProbe.class);
    private static final String INDEXED = "visibility_indexer_documents_indexed_total";
    private static final String LATENCY = "visibility_indexer_commit_to_indexed_seconds";
    private static final String INVALIDATED = "cache_invalidator_commit_to_invalidated_seconds";
    private static final String AGGREGATED = "metrics_aggregator_commit_to_aggregated_seconds";
    private static final String SLOT_LAG = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
            + " FROM pg_replication_slots WHERE slot_name = ?";

    private final Pipeline pipeline;
    private final Admin admin;

    public PipelineProbe(Pipeline pipeline) {
        this.pipeline = pipeline;
        Properties props = new Properties();
        props.put(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, pipeline.settings().kafkaBootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000);
        this.admin = Admin.create(props);
    }

    /** Everything at once; a part that cannot be measured right now is empty. */
    ProgressSnapshot snapshot(long rowsChanged) {
        String metrics = pipeline.indexer().metrics(INDEXED, LATENCY);
        OptionalDouble indexed = PrometheusText.sum(metrics, INDEXED);
        return new ProgressSnapshot(
                rowsChanged,
                consumerLag(),
                slotLagBytes(),
                indexed.isPresent() ? OptionalLong.of((long) indexed.getAsDouble()) : OptionalLong.empty(),
                Latency.of(metrics, LATENCY),
                invalidatorLatency());
    }

    /** The invalidator's commit → invalidated latency (source commit → Redis key gone and fenced). */
    Latency invalidatorLatency() {
        return Latency.of(pipeline.invalidator().metrics(INVALIDATED), INVALIDATED);
    }

    /** The aggregator's commit → aggregated latency (source commit → the run's group updated). */
    Latency aggregatorLatency() {
        return Latency.of(pipeline.aggregator().metrics(AGGREGATED), AGGREGATED);
    }

    /**
     * Records the indexer and the invalidator have not yet committed, over all of their stages (a partition never
     * committed counts whole); empty when it cannot be measured right now.
     */
    public OptionalLong consumerLag() {
        try {
            return OptionalLong.of(indexerLag() + invalidatorLag());
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug(
                    "Consumer lag of the pipeline {} unknown: {}",
                    pipeline.settings().topicPrefix(),
                    e.toString());
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /**
     * The indexer's: the change topics and the repartition topic in its Kafka Streams group, the documents topic in
     * its sink's group.
     */
    private long indexerLag() throws ExecutionException, InterruptedException, TimeoutException {
        String app = pipeline.settings().applicationId();
        String prefix = pipeline.settings().topicPrefix();
        return lag(
                        app,
                        List.of(
                                Topics.visibilityExecutions(prefix),
                                Topics.visibilityCustomSearchAttributes(prefix),
                                app + "-row-changes-repartition"))
                + lag(app + "-sink", List.of(Topics.visibilityDocuments(prefix)));
    }

    /**
     * The invalidator's: the six change topics in its Kafka Streams group, the invalidations topic in its sink's
     * group (which commits only what Redis acknowledged).
     */
    private long invalidatorLag() throws ExecutionException, InterruptedException, TimeoutException {
        String app = pipeline.settings().invalidatorApplicationId();
        String prefix = pipeline.settings().topicPrefix();
        return lag(app, Topics.cacheInvalidatorSources(prefix))
                + lag(app + "-sink", List.of(Topics.cacheInvalidations(prefix)));
    }

    private long lag(String group, List<String> topics)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(topics).allTopicNames().get(10, TimeUnit.SECONDS);
        descriptions.forEach((topic, description) -> description
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        var ends = admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        long lag = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += Math.max(0, end.getValue().offset() - (done == null ? 0 : done.offset()));
        }
        return lag;
    }

    /** WAL bytes written since the slot's confirmed flush position. */
    public OptionalLong slotLagBytes() {
        try (Connection connection =
                        DriverManager.getConnection(pipeline.settings().jdbcUrl());
                PreparedStatement statement = connection.prepareStatement(SLOT_LAG)) {
            statement.setString(1, pipeline.settings().slotName());
            try (ResultSet row = statement.executeQuery()) {
                return row.next() && row.getObject(1) != null ? OptionalLong.of(row.getLong(1)) : OptionalLong.empty();
            }
        } catch (SQLException e) {
            LOG.debug("Slot lag of {} unknown: {}", pipeline.settings().slotName(), e.toString());
            return OptionalLong.empty();
        }
    }

    @Override
    public void close() {
        admin.close();
    }
}
