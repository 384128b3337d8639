package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.function.Function;
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

    @Test
    void shouldConvergeAfterIndexerIsKilledUnderLoad() throws Exception {
        crashAndRecover("crash-indexer", Pipeline::indexer);
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
            VisibilityComparator comparator = Pipelines.comparator(pipeline);
            await().atMost(DRAIN).pollInterval(Duration.ofSeconds(3)).untilAsserted(() -> {
                assertThat(probe.consumerLag()).hasValue(0);
                ComparisonReport report = comparator.compare();
                assertThat(report.isClean())
                        .as(String.join("\n", report.summary()))
                        .isTrue();
                assertThat(report.rows()).isGreaterThan(100);
            });
        }
    }

    private static void awaitMoreChanges(WorkloadGenerator writer, long from) {
        await().atMost(PHASE)
                .untilAsserted(() -> assertThat(writer.rowsChanged()).isGreaterThan(from + CHANGES_PER_PHASE));
    }
}
