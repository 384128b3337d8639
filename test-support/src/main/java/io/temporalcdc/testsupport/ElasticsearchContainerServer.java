package io.temporalcdc.testsupport;

import java.nio.file.Path;
import org.testcontainers.elasticsearch.ElasticsearchContainer;

/**
 * The stack's Elasticsearch node in a container (Testcontainers' Elasticsearch module: single node), configured as
 * the processes backend's: security off, 512 MiB heap, one processor, destructive actions by wildcard allowed, no disk
 * watermarks (the module's own setting); ready
 * once {@code _cluster/health} says yellow.
 */
final class ElasticsearchContainerServer extends ContainerServer<ElasticsearchContainer> implements Elasticsearch {
    private static final int PORT = 9200;

    private volatile ElasticsearchServer client;

    ElasticsearchContainerServer(Path runDir, ContainerImages images) {
        super(
                "Elasticsearch",
                new ElasticsearchContainer(images.elasticsearch())
                        .withEnv("xpack.security.enabled", "false")
                        .withEnv("ES_JAVA_OPTS", "-Xms512m -Xmx512m")
                        .withEnv("node.processors", "1")
                        .withEnv("action.destructive_requires_name", "false")
                        .waitingFor(new LoopbackHttpWait(PORT, "/_cluster/health?wait_for_status=yellow&timeout=2s")),
                ElasticsearchServer.logFileIn(runDir));
    }

    @Override
    int containerPort() {
        return PORT;
    }

    @Override
    void started(Path runDir, int port) {
        client = new ElasticsearchServer(runDir, port);
    }

    @Override
    public String endpoint() {
        return url();
    }

    @Override
    public String url() {
        ElasticsearchServer current = client;
        if (current == null) {
            throw new StackException("Elasticsearch's container is not started");
        }
        return current.url();
    }
}
