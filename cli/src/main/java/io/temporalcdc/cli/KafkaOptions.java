package io.temporalcdc.cli;

import io.temporalcdc.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Option;

/** The Kafka options every subcommand shares. */
public final class KafkaOptions {
    @Option(
            names = "--bootstrap-servers",
            required = true,
            paramLabel = "HOST:PORT",
            description = "Kafka bootstrap servers, comma-separated.")
    String bootstrapServers;

    @Option(
            names = "--topic-prefix",
            defaultValue = Topics.DEFAULT_PREFIX,
            paramLabel = "PREFIX",
            description = "The CDC topic prefix, as in the apps (default: ${DEFAULT-VALUE}).")
    String topicPrefix;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description = "Any other Kafka client setting (security.protocol, sasl.*, ...); repeatable.")
    Map<String, String> extra = new HashMap<>();

    /** @return the client properties: the bootstrap servers plus {@code --kafka-property} */
    public Map<String, Object> clientProperties() {
        Map<String, Object> props = new HashMap<>(extra);
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return props;
    }
}
