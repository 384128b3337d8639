package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The seed's {@code migrate_add_search_attribute()} (adds {@code customer_id}) runs while rows keep changing: the
 * next records carry the column, the registry holds a second, compatible version of the value schema, every app keeps
 * going, nothing is lost, and the indexer indexes {@code customer_id} as the search attribute {@code CustomerId}.
 */
class SchemaEvolutionIT {

    @Test
    void shouldCarryANewColumnThroughTheRegistryToTheIndexWhileRowsKeepChanging() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("evolution");
        assertThat(settings.avro()).isTrue();
        AtomicBoolean migrated = new AtomicBoolean();
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            RunWriter writer = new RunWriter(settings.jdbcUrl(), "evolution-ns", migrated::get);
            try (writer) {
                writer.awaitMore(50);
                try (Connection connection = DriverManager.getConnection(settings.jdbcUrl());
                        java.sql.Statement statement = connection.createStatement()) {
                    statement.execute("SELECT temporal.migrate_add_search_attribute()");
                }
                migrated.set(true);
                writer.awaitMore(50);
            }

            SchemaRegistryClient registry = SchemaRegistryClient.of(settings.schemaRegistryUrl(), null);
            assertThat(registry.versions(settings.visibilityTopic() + "-value"))
                    .as("a second, compatible version of the value schema")
                    .hasSize(2);
            Pipelines.awaitClean(pipeline, probe, writer.written());
            Map<String, ObjectNode> documents = Pipelines.documents(pipeline).load(pipeline.alias());
            assertThat(documents.values())
                    .as("documents with the new column as a search attribute")
                    .anyMatch(d -> d.path("SearchAttributes")
                            .path("CustomerId")
                            .asText()
                            .startsWith("cust-"));
        }
    }
}
