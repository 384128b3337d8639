package io.temporalcdc.testsupport;

import java.nio.file.Path;

/**
 * The stack's Kafka broker: KRaft, one node, PLAINTEXT on 127.0.0.1, replication factor 1
 * everywhere, {@code auto.create.topics.enable=true}, {@code num.partitions=1}.
 */
public interface Kafka {

    /** {@code 127.0.0.1:P}. */
    String bootstrapServers();

    /** Creates a topic with replication factor 1; does nothing if it exists. */
    void createTopic(String name, int partitions);

    /** The broker's log file. */
    Path logFile();
}
