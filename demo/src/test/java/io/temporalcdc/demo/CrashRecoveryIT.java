package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * SIGKILL of one deployable while a Temporal-like writer commits continuously: after a restart and a
 * drain, every visibility row has its document with every field equal again.
 */
class CrashRecoveryIT {

    private static final double WORKFLOWS_PER_SECOND = 25;
    private static final long CHANGES_PER_PHASE = 4000;
    private static final Duration PHASE = Duration.ofSeconds(90);
    private static final Duration DRAIN = Duration.ofMinutes(3);

    @Test
    void shouldConvergeAfterCdcSourceIsKilledUnderLoad() throws Exception {
        crashAndRecover("crash-source", Pipeline::cdcSource);
    }

    /**
     * Two indexer instances share the work (six partitions per topic, one application id); one of them is killed
     * mid-stream and started again while rows keep changing: the survivor takes its partitions over, and at the end
     * the index equals the table with nothing dead-lettered.
     */
    @Test
    void shouldConvergeWithTwoIndexersWhenOneIsKilledUnderLoad() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("crash-two");
        List<String> secondSettings = new ArrayList<>(Pipeline.indexerSettings(settings));
        secondSettings.replaceAll(s -> s.startsWith("streams.state.dir=") ? s + "-second" : s);
        try (Pipeline pipeline = Pipeline.start(settings);
                Deployable second = new Deployable(
                        "visibility-indexer", "visibility-indexer-second", secondSettings, settings.logDir());
                WorkloadGenerator writer = new WorkloadGenerator(settings.jdbcUrl(), WORKFLOWS_PER_SECOND, 2);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            second.start(Pipeline.READY_TIMEOUT);
            writer.start();
            awaitMoreChanges(writer, 0);
            long beforeKill = writer.rowsChanged();

            second.kill();
            assertThat(second.process().isAlive()).isFalse();
            awaitMoreChanges(writer, beforeKill);
            second.start(Pipeline.READY_TIMEOUT);
            awaitMoreChanges(writer, writer.rowsChanged());
            writer.stop();

            assertThat(writer.failures()).isZero();
            awaitClean(pipeline, probe);
            assertThat(deadLetters(settings)).isZero();
        }
    }

    private static long deadLetters(PipelineSettings settings) throws Exception {
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.kafkaBootstrapServers()))) {
            String topic = Topics.visibilityIndexerDlq(settings.topicPrefix());
            var partitions = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get()
                    .get(topic)
                    .partitions();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream()
                    .mapToLong(o -> o.offset())
                    .sum();
        }
    }

    private static void crashAndRecover(String name, Function<Pipeline, Deployable> victim) throws Exception {
        try (Pipeline pipeline = Pipeline.start(Pipelines.freshSettings(name));
                WorkloadGenerator writer =
                        new WorkloadGenerator(pipeline.settings().jdbcUrl(), WORKFLOWS_PER_SECOND, 2);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            writer.start();
            awaitMoreChanges(writer, 0);
            long beforeKill = writer.rowsChanged();

            victim.apply(pipeline).kill();
            assertThat(victim.apply(pipeline).process().isAlive()).isFalse();
            awaitMoreChanges(writer, beforeKill);
            victim.apply(pipeline).start(Pipeline.READY_TIMEOUT);
            awaitMoreChanges(writer, writer.rowsChanged());
            writer.stop();

            assertThat(writer.rowsChanged()).isGreaterThan(3 * CHANGES_PER_PHASE);
            assertThat(writer.failures()).isZero();
            awaitClean(pipeline, probe);
        }
    }

    private static void awaitClean(Pipeline pipeline, PipelineProbe probe) {
        VisibilityComparator comparator = Pipelines.comparator(pipeline);
        await().atMost(DRAIN).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
            assertThat(probe.consumerLag()).hasValue(0);
            ComparisonReport report = comparator.compare();
            assertThat(report.isClean()).as(String.join("\n", report.summary())).isTrue();
            assertThat(report.rows()).isGreaterThan(100);
        });
    }

    private static void awaitMoreChanges(WorkloadGenerator writer, long from) {
        await().atMost(PHASE)
                .untilAsserted(() -> assertThat(writer.rowsChanged()).isGreaterThan(from + CHANGES_PER_PHASE));
    }
}
