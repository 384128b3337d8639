package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.util.Map;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The stack's Kafka broker in a container (Testcontainers' Kafka module: KRaft, one node), configured as the
 * processes backend's ({@code auto.create.topics.enable}, one partition, replication factor 1 everywhere, no
 * rebalance delay) and advertising {@code 127.0.0.1:<published port>}.
 */
final class KafkaContainerServer extends ContainerServer<KafkaContainer> implements Kafka {
    private static final int PORT = 9092;

    private volatile KafkaServer client;

    KafkaContainerServer(Path runDir, ContainerImages images) {
        super(
                "Kafka",
                new Broker(images.kafka())
                        .withEnv(Map.ofEntries(
                                Map.entry("KAFKA_HEAP_OPTS", "-Xms128m -Xmx384m"),
                                Map.entry("KAFKA_AUTO_CREATE_TOPICS_ENABLE", "true"),
                                Map.entry("KAFKA_NUM_PARTITIONS", "1"),
                                Map.entry("KAFKA_DEFAULT_REPLICATION_FACTOR", "1"),
                                Map.entry("KAFKA_MIN_INSYNC_REPLICAS", "1"),
                                Map.entry("KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS", "10"),
                                Map.entry("KAFKA_TRANSACTION_STATE_LOG_NUM_PARTITIONS", "10"),
                                Map.entry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR", "1"),
                                Map.entry("KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR", "1"),
                                Map.entry("KAFKA_NUM_NETWORK_THREADS", "2"),
                                Map.entry("KAFKA_NUM_IO_THREADS", "2"))),
                runDir.resolve("kafka").resolve("kafka.log"));
    }

    /** Advertises 127.0.0.1 rather than Testcontainers' {@code localhost}, which may resolve to {@code ::1}. */
    private static final class Broker extends KafkaContainer {
        Broker(DockerImageName image) {
            super(image);
        }

        @Override
        public String getBootstrapServers() {
            return "127.0.0.1:" + getMappedPort(PORT);
        }
    }

    @Override
    int containerPort() {
        return PORT;
    }

    @Override
    void started(Path runDir, int port) {
        client = new KafkaServer(runDir, port, 0);
    }

    private KafkaServer client() {
        KafkaServer current = client;
        if (current == null) {
            throw new StackException("Kafka's container is not started");
        }
        return current;
    }

    @Override
    public String endpoint() {
        return bootstrapServers();
    }

    @Override
    public String bootstrapServers() {
        return client().bootstrapServers();
    }

    @Override
    public void createTopic(String name, int partitions) {
        client().createTopic(name, partitions);
    }

    @Override
    public void close() {
        KafkaServer current = client;
        if (current != null) {
            // its admin client; it started no broker
            current.close();
        }
        super.close();
    }
}
