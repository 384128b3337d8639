package io.temporalcdc.cdcsource;

import java.util.Map;
import java.util.Properties;

/**
 * Builds the Debezium engine properties from a {@link CdcSourceConfig}: the PostgreSQL connector on
 * pgoutput over the temporal schemas, offsets in Kafka, the publication managed by this app.
 * {@code kafka.*} settings reach the offset store's clients; {@code debezium.*} settings come last and win.
 */
public final class DebeziumProperties {

    /** Engine name: the key under which the offsets are stored. Stable across releases. */
    public static final String ENGINE_NAME = "temporal-cdc-source";

    private DebeziumProperties() {
    }

    /** The engine properties for {@code config}. */
    public static Properties of(CdcSourceConfig config) {
        final Properties props = new Properties();
        props.putAll(stringValues(config.kafkaClientProps()));
        connector(props, config);
        offsets(props, config);
        props.putAll(stringValues(config.debeziumOverrides()));
        return props;
    }

    private static void connector(Properties props, CdcSourceConfig config) {
        props.setProperty("name", ENGINE_NAME);
        props.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        props.setProperty("plugin.name", "pgoutput");
        props.setProperty("database.hostname", config.databaseHostname());
        props.setProperty("database.port", Integer.toString(config.databasePort()));
        props.setProperty("database.user", config.databaseUser());
        props.setProperty("database.password", config.databasePassword());
        props.setProperty("database.dbname", config.databaseName());
        props.setProperty("topic.prefix", config.topicPrefix());
        props.setProperty("slot.name", config.slotName());
        props.setProperty("publication.name", config.publicationName());
        // the app creates the publication itself (FOR TABLES IN SCHEMA, publish_via_partition_root)
        props.setProperty("publication.autocreate.mode", "disabled");
        props.setProperty("schema.include.list", CdcSourceConfig.CAPTURED_SCHEMAS);
        props.setProperty("snapshot.mode", "initial");
        props.setProperty("tombstones.on.delete", "true");
    }

    private static void offsets(Properties props, CdcSourceConfig config) {
        props.setProperty("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore");
        props.setProperty("offset.storage.topic", config.offsetStorageTopic());
        props.setProperty("offset.storage.partitions", "1");
        // -1: the broker's default.replication.factor (1 on a single broker, 3 in production)
        props.setProperty("offset.storage.replication.factor", "-1");
        props.setProperty("offset.flush.interval.ms", "1000");
        props.setProperty("bootstrap.servers", config.bootstrapServers());
    }

    private static Map<String, String> stringValues(Map<String, Object> map) {
        final java.util.HashMap<String, String> out = new java.util.HashMap<>();
        map.forEach((k, v) -> out.put(k, v == null ? "" : v.toString()));
        return out;
    }
}
