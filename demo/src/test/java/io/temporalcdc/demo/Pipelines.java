package io.temporalcdc.demo;

import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.file.Path;

/** Test pipelines: a fresh database with the schema and the deployables with unique names on the shared stack. */
final class Pipelines {

    private Pipelines() {}

    static PipelineSettings freshSettings(String base) {
        LocalStack stack = LocalStack.shared();
        String unique = Names.unique(base);
        String jdbcUrl = Databases.freshWithSchema(base);
        // Avro change topics, as cdc-source writes by default
        return PipelineSettings.named(
                        unique,
                        jdbcUrl,
                        stack.kafka().bootstrapServers(),
                        stack.elasticsearch().url(),
                        stack.redis().uri(),
                        Path.of("target", "e2e-logs", unique))
                .withSchemaRegistry(stack.schemaRegistry().url());
    }

    static VisibilityComparator comparator(Pipeline pipeline) {
        return new VisibilityComparator(
                pipeline.settings().jdbcUrl(), pipeline.settings().elasticsearchUrl(), pipeline.alias());
    }

    /**
     * Waits (at most 2 minutes) until the pipeline's consumers have no lag and every row of the table has an equal
     * document, {@code rows} rows in all.
     */
    static void awaitClean(Pipeline pipeline, PipelineProbe probe, int rows) {
        VisibilityComparator comparator = comparator(pipeline);
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofMinutes(2))
                .pollInterval(java.time.Duration.ofSeconds(2))
                .untilAsserted(() -> {
                    org.assertj.core.api.Assertions.assertThat(probe.consumerLag())
                            .hasValue(0);
                    ComparisonReport report = comparator.compare();
                    org.assertj.core.api.Assertions.assertThat(report.isClean())
                            .as(String.join("\n", report.summary()))
                            .isTrue();
                    org.assertj.core.api.Assertions.assertThat(report.rows()).isEqualTo(rows);
                });
    }

    static IndexedDocuments documents(Pipeline pipeline) {
        return new IndexedDocuments(pipeline.settings().elasticsearchUrl(), VisibilityComparator.MAPPER);
    }
}
