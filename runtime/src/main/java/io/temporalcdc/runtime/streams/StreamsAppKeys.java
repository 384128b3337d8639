package io.temporalcdc.runtime.streams;

import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.ConfigValidation;
import io.temporalcdc.runtime.DetectingChangeEventDecoder;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.registry.SchemaRegistryClient;
import java.util.Set;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/** The keys every Kafka Streams app of the project has, declared once: brokers, application id, topics, registry. */
public final class StreamsAppKeys {
    /** Kafka bootstrap servers (required). */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    /** Kafka Streams application id: consumer group and prefix of internal topics. */
    public static final String APPLICATION_ID = "application.id";
    /** The CDC topic prefix. */
    public static final String TOPIC_PREFIX = "topic.prefix";
    /** Partitions of the topics the app creates. */
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    /** Replication factor of the topics the app creates. */
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    /** How long a running app stays ready while Kafka Streams rebalances. */
    public static final String HEALTH_REBALANCE_GRACE_MS = "health.rebalance.grace.ms";
    /** Its default: 30 s. */
    public static final long DEFAULT_REBALANCE_GRACE_MS = 30_000;
    /** The schema registry Avro change records name their schemas in. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    private StreamsAppKeys() {}

    /**
     * An app's own words for the shared keys.
     *
     * @param app the app as the docs name it ("the indexer")
     * @param applicationId the default application id
     * @param applicationIdDoc the application id's documentation
     * @param topicPrefix the default topic prefix (schemas' {@code Topics.DEFAULT_PREFIX})
     * @param topicsDoc what the app reads, writes and dead-letters to, under the prefix
     * @param partitionsDoc which topics {@code topic.partitions} applies to
     */
    public record Docs(
            String app,
            String applicationId,
            String applicationIdDoc,
            String topicPrefix,
            String topicsDoc,
            String partitionsDoc) {}

    /**
     * The decoder of the change topics: JSON and Avro records alike, detected per record; Avro schemas are read from
     * {@value #SCHEMA_REGISTRY_URL}, which must answer at start-up when it is set.
     *
     * @param columns the row columns the app reads, or null for all
     */
    public static ChangeEventDecoder decoder(AbstractConfig config, Set<String> columns, MeterRegistry meters) {
        String url = config.getString(SCHEMA_REGISTRY_URL).strip();
        if (url.isEmpty()) {
            return new DetectingChangeEventDecoder(columns, null);
        }
        SchemaRegistryClient registry = SchemaRegistryClient.of(url, meters);
        Preflight.check(SCHEMA_REGISTRY_URL, "listing the registry's subjects", registry::subjects);
        return new DetectingChangeEventDecoder(columns, registry);
    }

    /** @return {@code def} with the seven shared keys defined */
    public static ConfigDef define(ConfigDef def, Docs docs) {
        return def.define(
                        KAFKA_BOOTSTRAP_SERVERS,
                        Type.STRING,
                        ConfigDef.NO_DEFAULT_VALUE,
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Kafka bootstrap servers, host:port[,host:port...].")
                .define(
                        APPLICATION_ID,
                        Type.STRING,
                        docs.applicationId(),
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        docs.applicationIdDoc())
                .define(
                        TOPIC_PREFIX,
                        Type.STRING,
                        docs.topicPrefix(),
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        docs.topicsDoc())
                .define(
                        TOPIC_PARTITIONS,
                        Type.INT,
                        6,
                        ConfigDef.Range.between(1, 10_000),
                        Importance.LOW,
                        docs.partitionsDoc())
                .define(
                        TOPIC_REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) -1,
                        ConfigDef.Range.atLeast(-1),
                        Importance.LOW,
                        "Replication factor of the topics " + docs.app() + " creates; -1 is the broker's default.")
                .define(
                        HEALTH_REBALANCE_GRACE_MS,
                        Type.LONG,
                        DEFAULT_REBALANCE_GRACE_MS,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "How long a running app stays ready (/health/ready) while Kafka Streams rebalances (an"
                                + " instance joined or left): a rebalance is routine, and a load balancer or a"
                                + " Kubernetes readiness probe should not take every instance out at once. Past it,"
                                + " not ready until RUNNING again; 0: not ready while rebalancing.")
                .define(
                        SCHEMA_REGISTRY_URL,
                        Type.STRING,
                        "",
                        ConfigValidation.optionalHttpUrl(),
                        Importance.MEDIUM,
                        "Base URL of the schema registry (Confluent's REST API: Confluent, Apicurio's"
                                + " /apis/ccompat/v7, Karapace) that Avro change records name their schemas in; it"
                                + " must answer at start-up. Records are read as Avro or JSON one by one, whatever"
                                + " cdc-source's format; empty: JSON only, and an Avro record stops the app with an error"
                                + " naming this setting (nothing is dead-lettered for it).");
    }
}
