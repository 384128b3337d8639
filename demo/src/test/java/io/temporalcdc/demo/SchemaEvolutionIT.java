package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
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
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicBoolean migrated = new AtomicBoolean();
        AtomicInteger written = new AtomicInteger();
        try (Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            Thread writer = Thread.ofPlatform().start(() -> write(settings.jdbcUrl(), running, migrated, written));
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > 50);
                try (Connection connection = DriverManager.getConnection(settings.jdbcUrl());
                        java.sql.Statement statement = connection.createStatement()) {
                    statement.execute("SELECT temporal.migrate_add_search_attribute()");
                }
                migrated.set(true);
                int atMigration = written.get();
                await().atMost(Duration.ofSeconds(30)).until(() -> written.get() > atMigration + 50);
            } finally {
                running.set(false);
                writer.join();
            }

            SchemaRegistryClient registry = SchemaRegistryClient.of(settings.schemaRegistryUrl(), null);
            assertThat(registry.versions(settings.visibilityTopic() + "-value"))
                    .as("a second, compatible version of the value schema")
                    .hasSize(2);
            VisibilityComparator comparator = Pipelines.comparator(pipeline);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(2))
                    .untilAsserted(() -> {
                        assertThat(probe.consumerLag()).hasValue(0);
                        ComparisonReport report = comparator.compare();
                        assertThat(report.isClean())
                                .as(String.join("\n", report.summary()))
                                .isTrue();
                        assertThat(report.rows()).isEqualTo(written.get());
                    });
            Map<String, ObjectNode> documents = Pipelines.documents(pipeline).load(pipeline.alias());
            assertThat(documents.values())
                    .as("documents with the new column as a search attribute")
                    .anyMatch(d -> d.path("SearchAttributes")
                            .path("CustomerId")
                            .asText()
                            .startsWith("cust-"));
        }
    }

    /** Inserts a run every 20 ms and closes the one before; once the column exists, the new runs carry it. */
    private static void write(String jdbcUrl, AtomicBoolean running, AtomicBoolean migrated, AtomicInteger written) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            while (running.get()) {
                int n = written.get();
                boolean withCustomer = migrated.get();
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                                + " workflow_id, workflow_type_name, status, task_queue"
                                + (withCustomer ? ", customer_id" : "") + ") VALUES ('evolution-ns', ?,"
                                + " '2026-03-04 05:06:07', '2026-03-04 05:06:08', ?, 'Evolve', 1, 'q'"
                                + (withCustomer ? ", ?" : "") + ")")) {
                    insert.setString(1, "run-" + n);
                    insert.setString(2, "wf-" + n);
                    if (withCustomer) {
                        insert.setString(3, "cust-" + (n % 7));
                    }
                    insert.executeUpdate();
                }
                written.incrementAndGet();
                if (n > 0) {
                    try (PreparedStatement close = connection.prepareStatement(
                            "UPDATE temporal_visibility.executions SET status = 2, close_time = '2026-03-04 05:07:00'"
                                    + " WHERE namespace_id = 'evolution-ns' AND run_id = ?")) {
                        close.setString(1, "run-" + (n - 1));
                        close.executeUpdate();
                    }
                }
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
