package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka broker and an Elasticsearch node that one test owns, beside the shared stack, so it may stop them and start
 * them again (same ports, same data) to see how the apps live through an outage. Closing stops both.
 */
public final class OwnServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnServers.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Path runDir;
    private final KafkaServer kafka;
    private final ElasticsearchServer elasticsearch;

    private OwnServers(Path runDir) {
        this.runDir = runDir;
        this.kafka = new KafkaServer(runDir);
        this.elasticsearch = new ElasticsearchServer(runDir);
    }

    /** Starts both in a new run dir under {@code baseDir} (leftovers of crashed runs there are cleaned up first). */
    public static OwnServers start(Path base) {
        Path baseDir = base.toAbsolutePath().normalize();
        Leftovers.clean(baseDir, 2);
        Path runDir;
        try {
            Files.createDirectories(baseDir);
            runDir = Files.createDirectory(baseDir.resolve(Leftovers.runDirName(
                    LocalDateTime.now(), ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new StackException("cannot create a run dir under " + baseDir + ": " + e, e);
        }
        OwnServers servers = new OwnServers(runDir);
        try {
            servers.startKafka();
            servers.startElasticsearch();
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    public Kafka kafka() {
        return kafka;
    }

    public Elasticsearch elasticsearch() {
        return elasticsearch;
    }

    /** Starts the broker (again), on its port and data, and waits until it answers. */
    public void startKafka() {
        kafka.start(runDir, TIMEOUT);
        LOG.info("Own Kafka up at {}", kafka.bootstrapServers());
    }

    /** Stops the broker (SIGTERM, SIGKILL after 30 s). */
    public void stopKafka() {
        kafka.close();
        LOG.info("Own Kafka at {} stopped", kafka.bootstrapServers());
    }

    /** Starts the node (again), on its port and data, and waits until it is yellow. */
    public void startElasticsearch() {
        elasticsearch.start(runDir, TIMEOUT);
        LOG.info("Own Elasticsearch up at {}", elasticsearch.url());
    }

    /** Stops the node (SIGTERM, SIGKILL after 30 s). */
    public void stopElasticsearch() {
        elasticsearch.close();
        LOG.info("Own Elasticsearch at {} stopped", elasticsearch.url());
    }

    public Path runDir() {
        return runDir;
    }

    @Override
    public void close() {
        try {
            elasticsearch.close();
        } finally {
            kafka.close();
        }
    }
}
