package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.testsupport.ConnectWorker;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A running pipeline's capture moved from the embedded cdc-source to Debezium in a real Kafka Connect worker (the
 * shipped connector configuration, the same slot, prefix and Avro format) and back, under a steady writer: the
 * downstream indexer's index equals the table afterwards, every row of every phase in it.
 */
class ConnectSwitchIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldKeepTheIndexEqualToTheTableAcrossASwitchToConnectAndBack() throws Exception {
        PipelineSettings settings = Pipelines.freshSettings("connect-switch");
        try (ConnectWorker worker = ConnectWorker.start(
                        settings.kafkaBootstrapServers(),
                        ConnectWorker.cdcSourcePluginPath(),
                        Path.of("target", "own-servers"));
                Pipeline pipeline = Pipeline.start(settings);
                PipelineProbe probe = new PipelineProbe(pipeline)) {
            RunWriter writer = new RunWriter(settings.jdbcUrl(), "switch-ns", () -> false);
            try (writer) {
                writer.awaitMore(50);
                pipeline.cdcSource().close();

                String name = settings.topicPrefix();
                post(worker, connector(settings, name));
                writer.awaitMore(50);
                HttpResponse<String> deleted = worker.send("DELETE", "/connectors/" + name, null);
                assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);

                pipeline.cdcSource().start(Pipeline.READY_TIMEOUT);
                writer.awaitMore(50);
            }
            Pipelines.awaitClean(pipeline, probe, writer.written());
        }
    }

    /** The shipped connector configuration, on the pipeline's database, slot, publication, prefix and registry. */
    private static ObjectNode connector(PipelineSettings settings, String name) throws Exception {
        ObjectNode shipped = (ObjectNode) JSON.readTree(
                Files.readString(Path.of("..", "cdc-source", "connect", "temporal-postgres-connector.json")));
        shipped.put("name", name);
        ObjectNode config = (ObjectNode) shipped.get("config");
        URI database = URI.create(settings.jdbcUrl().substring("jdbc:".length()));
        config.put("database.hostname", database.getHost());
        config.put("database.port", Integer.toString(database.getPort()));
        config.put("database.user", settings.databaseUser());
        config.put("database.password", "");
        config.put("database.dbname", database.getPath().substring(1));
        config.put("topic.prefix", settings.topicPrefix());
        config.put("slot.name", settings.slotName());
        config.put("publication.name", settings.publicationName());
        // the slot holds the position: stream from it rather than snapshot again (connect/README.md, "Switching")
        config.put("snapshot.mode", "no_data");
        config.put("key.converter.schema.registry.url", settings.schemaRegistryUrl());
        config.put("value.converter.schema.registry.url", settings.schemaRegistryUrl());
        return shipped;
    }

    private static void post(ConnectWorker worker, ObjectNode connector) throws Exception {
        String name = connector.get("name").asText();
        HttpResponse<String> created = worker.send("POST", "/connectors", connector.toString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode status = JSON.readTree(
                    worker.send("GET", "/connectors/" + name + "/status", null).body());
            assertThat(status.path("tasks").path(0).path("state").asText())
                    .as(status.toString())
                    .isEqualTo("RUNNING");
        });
    }
}
