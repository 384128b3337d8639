package io.temporalcdc.demo;

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

    static IndexedDocuments documents(Pipeline pipeline) {
        return new IndexedDocuments(pipeline.settings().elasticsearchUrl(), VisibilityComparator.MAPPER);
    }
}
