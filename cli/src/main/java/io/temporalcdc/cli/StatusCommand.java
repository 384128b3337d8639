package io.temporalcdc.cli;

import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexAdmin;
import io.temporalcdc.runtime.ReplicationSlots;
import io.temporalcdc.runtime.sink.AcknowledgingSink;
import io.temporalcdc.schemas.ElasticsearchContracts;
import io.temporalcdc.schemas.Topics;
import java.io.PrintStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = {
            "Where every app of the pipeline stands: per consumer group, the lag of each partition, when the sink"
                    + " last committed and, for Kafka Streams groups, their stream time (the newest record committed); the dead letters of each app; with --jdbc, the replication slot's lag in bytes"
                    + " and seconds; with --elasticsearch, the alias and the indices behind it with their document"
                    + " counts.",
            "The groups are the apps' default application ids (and <id>-sink for the sinks); --application-id"
                    + " APP=ID names others."
        },
        exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
        exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
final class StatusCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Mixin
    ElasticsearchOptions elasticsearch;

    @Option(
            names = "--jdbc",
            paramLabel = "JDBC_URL",
            description = "The source database, for the replication slot's lag.")
    String jdbcUrl;

    @Option(
            names = "--slot",
            defaultValue = "temporal_cdc",
            description = "cdc-source's replication slot (default: ${DEFAULT-VALUE}).")
    String slot;

    @Option(
            names = "--alias",
            defaultValue = ElasticsearchContracts.DEFAULT_INDEX_PREFIX,
            description = "The visibility alias (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(
            names = "--application-id",
            paramLabel = "APP=ID",
            description = "The application id of visibility-indexer, cache-invalidator or metrics-aggregator when not"
                    + " the default; repeatable.")
    Map<String, String> applicationIds = new LinkedHashMap<>();

    /** One app: its groups and its dead-letter topic. */
    record AppGroups(String app, List<String> groups, String deadLetterTopic) {}

    List<AppGroups> apps() {
        String prefix = kafka.topicPrefix;
        String indexer = applicationIds.getOrDefault("visibility-indexer", "temporal-cdc-visibility-indexer");
        String invalidator = applicationIds.getOrDefault("cache-invalidator", "temporal-cdc-cache-invalidator");
        String aggregator = applicationIds.getOrDefault("metrics-aggregator", "temporal-cdc-metrics-aggregator");
        return List.of(
                new AppGroups(
                        "visibility-indexer", List.of(indexer, indexer + "-sink"), Topics.visibilityIndexerDlq(prefix)),
                new AppGroups(
                        "cache-invalidator",
                        List.of(invalidator, invalidator + "-sink"),
                        Topics.cacheInvalidatorDlq(prefix)),
                new AppGroups("metrics-aggregator", List.of(aggregator), Topics.metricsAggregatorDlq(prefix)));
    }

    @Override
    public Integer call() throws Exception {
        PrintStream out = System.out;
        try (KafkaState state = new KafkaState(kafka.clientProperties())) {
            for (AppGroups app : apps()) {
                out.println(app.app());
                for (String group : app.groups()) {
                    group(state, group, out);
                }
                List<TopicPartition> dlq = state.partitions(app.deadLetterTopic());
                long dead = 0;
                if (!dlq.isEmpty()) {
                    Map<TopicPartition, Long> ends = state.endOffsets(dlq);
                    Map<TopicPartition, Long> starts = state.startOffsets(dlq);
                    for (TopicPartition tp : dlq) {
                        dead += ends.get(tp) - starts.get(tp);
                    }
                }
                out.println("  dead letters: " + dead + " in " + app.deadLetterTopic()
                        + (dlq.isEmpty() ? " (no such topic)" : ""));
            }
        }
        if (jdbcUrl != null) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
                Optional<ReplicationSlots.Lag> lag = ReplicationSlots.lag(connection, slot);
                if (lag.isEmpty()) {
                    out.println("replication slot " + slot + ": does not exist");
                } else {
                    out.printf(
                            "replication slot %s: %s, lag %,d bytes, %s%n",
                            slot,
                            lag.get().active() ? "active" : "INACTIVE",
                            lag.get().bytes(),
                            lag.get().lagMillis() < 0
                                    ? "lag in seconds unknown (no client)"
                                    : String.format("%.1f s", lag.get().lagMillis() / 1000.0));
                }
            }
        }
        if (elasticsearch.given()) {
            try (EsConnection es = elasticsearch.open()) {
                IndexAdmin admin = new IndexAdmin(es.rest());
                IndexAdmin.AliasState state = admin.alias(alias);
                if (state == null) {
                    out.println("alias " + alias + ": does not exist");
                } else {
                    out.println("alias " + alias + ":");
                    for (IndexAdmin.IndexInfo index : admin.indices(alias)) {
                        out.printf(
                                "  %s%s  %,d documents  %s%n",
                                index.name(),
                                index.name().equals(state.writeIndex()) ? " (write index)" : "",
                                index.documents(),
                                index.health());
                    }
                }
            }
        }
        return 0;
    }

    private static void group(KafkaState state, String group, PrintStream out) {
        Map<TopicPartition, OffsetAndMetadata> committed = state.committed(group);
        if (committed.isEmpty()) {
            out.println("  group " + group + ": no committed offsets (not started, or another application id)");
            return;
        }
        Map<TopicPartition, Long> ends = state.endOffsets(committed.keySet());
        List<TopicPartition> partitions = new ArrayList<>(committed.keySet());
        partitions.sort(Comparator.comparing(TopicPartition::topic).thenComparing(TopicPartition::partition));
        long total = 0;
        Instant lastCommit = null;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            total += Math.max(0, ends.get(tp) - at.offset());
            Instant when = commitTime(at);
            if (when != null && (lastCommit == null || when.isAfter(lastCommit))) {
                lastCommit = when;
            }
        }
        out.printf("  group %s: lag %,d%s%n", group, total, lastCommit == null ? "" : ", last commit " + lastCommit);
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata at = committed.get(tp);
            long end = ends.get(tp);
            out.printf(
                    "    %s-%d  committed %,d  end %,d  lag %,d%n",
                    tp.topic(), tp.partition(), at.offset(), end, Math.max(0, end - at.offset()));
        }
    }

    private static Instant latest(Instant a, Instant b) {
        return a == null || (b != null && b.isAfter(a)) ? b : a;
    }

    /**
     * @return the partition time Kafka Streams committed with an offset (the newest record timestamp it had
     *     processed: base64 of a version byte 1 or 2, then the time as a long), or null for other committers
     */
    static Instant streamTime(OffsetAndMetadata offset) {
        String metadata = offset.metadata();
        if (metadata == null || metadata.isEmpty() || metadata.startsWith(AcknowledgingSink.COMMITTED_AT)) {
            return null;
        }
        try {
            java.nio.ByteBuffer bytes =
                    java.nio.ByteBuffer.wrap(java.util.Base64.getDecoder().decode(metadata));
            byte version = bytes.get();
            if ((version != 1 && version != 2) || bytes.remaining() < Long.BYTES) {
                return null;
            }
            long millis = bytes.getLong();
            return millis <= 0 ? null : Instant.ofEpochMilli(millis);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return null;
        }
    }

    /** @return when a sink committed (its commit metadata), or null for other committers */
    static Instant commitTime(OffsetAndMetadata offset) {
        String metadata = offset.metadata();
        if (metadata == null || !metadata.startsWith(AcknowledgingSink.COMMITTED_AT)) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(metadata.substring(AcknowledgingSink.COMMITTED_AT.length())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
