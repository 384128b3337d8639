package io.temporalcdc.demo;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where one pipeline (a cdc-source, a visibility-indexer, a cache-invalidator and a metrics-aggregator process) reads and writes, and the
 * names that keep it apart from other pipelines on the same servers.
 *
 * @param jdbcUrl the database with both Temporal schemas ({@code jdbc:postgresql://host:port/db?user=u})
 * @param kafkaBootstrapServers the Kafka cluster
 * @param elasticsearchUrl the Elasticsearch cluster
 * @param redisUri the Redis the invalidator keeps fresh ({@code redis://host:port}); null in settings for
 *     cdc-source and the indexer alone, which a {@link Pipeline} refuses
 * @param topicPrefix the topic prefix every app uses
 * @param slotName the replication slot (letters, digits and underscores)
 * @param publicationName the publication (letters, digits and underscores)
 * @param applicationId the indexer's Kafka Streams application id (its consumer group)
 * @param invalidatorApplicationId the invalidator's Kafka Streams application id (its consumer group)
 * @param metricsApplicationId the metrics aggregator's Kafka Streams application id (its consumer group); null for a
 *     pipeline without the aggregator (the end-to-end tests of the indexer and the invalidator)
 * @param indexPrefix the indexer's index prefix, which is also the alias
 * @param logDir where the processes' output goes
 * @param schemaRegistryUrl the schema registry (Confluent REST API) of Avro change topics; null for JSON topics
 */
public record PipelineSettings(
        String jdbcUrl,
        String kafkaBootstrapServers,
        String elasticsearchUrl,
        String redisUri,
        String topicPrefix,
        String slotName,
        String publicationName,
        String applicationId,
        String invalidatorApplicationId,
        String metricsApplicationId,
        String indexPrefix,
        Path logDir,
        String schemaRegistryUrl) {

    /**
     * Settings whose names all derive from one unique base name (e.g. {@code Names.unique("crash")}), for a pipeline
     * without the metrics aggregator (see {@link #withMetrics()}).
     */
    public static PipelineSettings named(
            String unique, String jdbcUrl, String kafka, String elasticsearch, String redis, Path logDir) {
        String identifier = unique.replace('-', '_');
        return new PipelineSettings(
                jdbcUrl,
                kafka,
                elasticsearch,
                redis,
                unique,
                "slot_" + identifier,
                "pub_" + identifier,
                unique + "-indexer",
                unique + "-invalidator",
                null,
                unique + "_visibility",
                logDir,
                null);
    }

    /** These settings with the metrics aggregator, its application id {@code <topic prefix>-metrics}. */
    public PipelineSettings withMetrics() {
        return new PipelineSettings(
                jdbcUrl,
                kafkaBootstrapServers,
                elasticsearchUrl,
                redisUri,
                topicPrefix,
                slotName,
                publicationName,
                applicationId,
                invalidatorApplicationId,
                topicPrefix + "-metrics",
                indexPrefix,
                logDir,
                schemaRegistryUrl);
    }

    /**
     * These settings with Avro change topics: cdc-source writes {@code format=avro} with its schemas in the registry
     * at {@code url} (Confluent REST API), and every app reads the schemas from there.
     */
    public PipelineSettings withSchemaRegistry(String url) {
        return new PipelineSettings(
                jdbcUrl,
                kafkaBootstrapServers,
                elasticsearchUrl,
                redisUri,
                topicPrefix,
                slotName,
                publicationName,
                applicationId,
                invalidatorApplicationId,
                metricsApplicationId,
                indexPrefix,
                logDir,
                url);
    }

    /** Whether the change topics are Avro (a registry is set), else JSON. */
    public boolean avro() {
        return schemaRegistryUrl != null && !schemaRegistryUrl.isBlank();
    }

    /** The registry URL for the apps' {@code schema.registry.url}; empty without one. */
    String registrySetting() {
        return avro() ? schemaRegistryUrl : "";
    }

    /** The visibility topic the indexer consumes. */
    public String visibilityTopic() {
        return topicPrefix + ".temporal_visibility.executions";
    }

    URI database() {
        return URI.create(jdbcUrl.substring("jdbc:".length()));
    }

    String databaseHost() {
        return database().getHost();
    }

    int databasePort() {
        return database().getPort();
    }

    String databaseName() {
        return database().getPath().substring(1);
    }

    /** The {@code user} parameter of the JDBC URL. */
    String databaseUser() {
        String query = database().getQuery() == null ? "" : database().getQuery();
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("user=")) {
                return parameter.substring("user=".length());
            }
        }
        throw new IllegalArgumentException("the JDBC URL names no user: " + jdbcUrl);
    }
}
