package io.temporalcdc.testsupport;

import java.nio.file.Path;
import org.testcontainers.containers.GenericContainer;

/**
 * The stack's schema registry in a container: Apicurio Registry (in-memory storage) with its Confluent-compatible
 * API, ready once {@code /health/ready} answers 200; compatibility BACKWARD registry-wide, as the processes backend
 * sets it (Confluent's default).
 */
final class SchemaRegistryContainerServer extends ContainerServer<GenericContainer<?>> implements SchemaRegistry {
    private static final int PORT = 8080;

    private volatile SchemaRegistryServer client;

    SchemaRegistryContainerServer(Path runDir, ContainerImages images) {
        super(
                "Schema registry",
                new GenericContainer<>(images.schemaRegistry())
                        .withExposedPorts(PORT)
                        .waitingFor(new LoopbackHttpWait(PORT, "/health/ready")),
                runDir.resolve("schema-registry").resolve("registry.log"));
    }

    @Override
    int containerPort() {
        return PORT;
    }

    @Override
    void started(Path runDir, int port) {
        client = new SchemaRegistryServer(runDir, port);
        client.requireBackwardCompatibility();
    }

    @Override
    public String endpoint() {
        return url();
    }

    @Override
    public String url() {
        SchemaRegistryServer current = client;
        if (current == null) {
            throw new StackException("the schema registry's container is not started");
        }
        return current.url();
    }
}
