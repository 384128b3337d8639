package io.temporalcdc.cdcsource;

import io.temporalcdc.schemas.Topics;
import java.util.List;
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

    private DebeziumProperties() {}

    /**
     * Partitions named as the seed's monthly partition function names them; excluded even when
     * created after start-up, as they publish through their root table.
     */
    public static final String MONTHLY_PARTITIONS = "temporal_visibility\\.executions_\\d{4}_\\d{2}";

    /** The prefix of the logical decoding messages the heartbeat writes. */
    public static final String HEARTBEAT_PREFIX = "temporal-cdc-heartbeat";
    /** The heartbeat's action query: a logical message in the captured database's WAL, any user may write it. */
    public static final String HEARTBEAT_QUERY =
            "SELECT pg_logical_emit_message(false, '" + HEARTBEAT_PREFIX + "', now()::text)";

    /** The engine properties for {@code config}, with no partitions known. */
    public static Properties of(CdcSourceConfig config) {
        return of(config, List.of());
    }

    /**
     * The engine properties for {@code config}.
     *
     * @param partitions partitions of partitioned tables ({@code schema.table}) to leave out of the
     *     capture: their changes arrive under the root table ({@code publish_via_partition_root}),
     *     and a snapshot would otherwise read their rows twice, once under each name
     */
    public static Properties of(CdcSourceConfig config, List<String> partitions) {
        final Properties props = new Properties();
        props.putAll(stringValues(config.kafkaClientProps()));
        connector(props, config);
        final Map<String, Object> overrides = new java.util.HashMap<>(config.debeziumOverrides());
        if (!config.temporalProfile()) {
            // Debezium refuses an exclude list next to an include list: the temporal-v12 profile includes one table
            props.setProperty(
                    "table.exclude.list",
                    excludeList(partitions, config.debeziumOverrides().get("table.exclude.list")));
            overrides.remove("table.exclude.list");
        }
        offsets(props, config);
        props.putAll(stringValues(overrides));
        region(props, config);
        return props;
    }

    /** The transform's name in {@code transforms}. */
    static final String REGION_TRANSFORM = "temporalCdcRegion";

    /**
     * With a region, Kafka Connect's {@code InsertHeader} transform adds {@link Topics#REGION_HEADER} to every record,
     * first in the chain: the same transform labels the records of the Connect path (connect/README.md); transforms
     * the operator lists ({@code debezium.transforms}) follow it.
     */
    private static void region(Properties props, CdcSourceConfig config) {
        if (config.region().isEmpty()) {
            return;
        }
        String operator = props.getProperty("transforms", "").strip();
        props.setProperty("transforms", operator.isEmpty() ? REGION_TRANSFORM : REGION_TRANSFORM + "," + operator);
        String prefix = "transforms." + REGION_TRANSFORM + ".";
        props.setProperty(prefix + "type", "org.apache.kafka.connect.transforms.InsertHeader");
        props.setProperty(prefix + "header", Topics.REGION_HEADER);
        props.setProperty(prefix + "value.literal", config.region());
    }

    /** Debezium's table.exclude.list: the monthly pattern, the given partitions, then what the operator set. */
    static String excludeList(List<String> partitions, Object operatorList) {
        final List<String> entries = new java.util.ArrayList<>();
        entries.add(MONTHLY_PARTITIONS);
        partitions.forEach(p -> entries.add(java.util.regex.Pattern.quote(p)));
        if (operatorList != null && !operatorList.toString().isBlank()) {
            entries.add(operatorList.toString());
        }
        return String.join(",", entries);
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
        // the app creates the publication itself (CapturedTables: FOR TABLES IN SCHEMA, or FOR TABLE)
        props.setProperty("publication.autocreate.mode", "disabled");
        config.captured().includeLists(props);
        props.setProperty("snapshot.mode", "initial");
        // the slot is the durable position: when it is ahead of the stored offsets (Debezium in Kafka Connect
        // streamed from the same slot meanwhile, connect/README.md "Switching"), resume from the slot instead of
        // failing with "no longer available on the server"; what the slot confirmed was delivered
        props.setProperty("offset.mismatch.strategy", "trust_slot");
        props.setProperty("tombstones.on.delete", "true");
        // Debezium's default, stated: a TRUNCATE event has no key, and the compacted change topics refuse key-less
        // records (cdc-source would stop); the apps' READMEs say what an operator does after a TRUNCATE
        props.setProperty("skipped.operations", "t");
        // Debezium waits poll.interval.ms twice between a commit and the consumer: its streaming thread sleeps that
        // long when the replication stream has nothing pending, and its queue hands partial batches over on that
        // beat. Debezium's 500 ms would cost up to a second; 25 ms costs up to 50 ms, for a few dozen idle wake-ups a
        // second (a drain fills whole batches and never waits)
        props.setProperty("poll.interval.ms", "25");
        // while the captured schemas are quiet but other databases of the cluster write WAL, heartbeats
        // let the slot advance, so PostgreSQL does not retain that WAL (__debezium-heartbeat.<prefix>)
        props.setProperty("heartbeat.interval.ms", "10000");
        // a heartbeat alone cannot move the slot when nothing of this database reaches the slot: the action query
        // writes a (non-transactional) logical message into this database's WAL, the connector sees it, and the
        // position it confirms moves past the other databases' WAL (HEARTBEAT_PREFIX, not written to any topic)
        props.setProperty("heartbeat.action.query", HEARTBEAT_QUERY);
        props.setProperty("message.prefix.exclude.list", HEARTBEAT_PREFIX);
        if (!config.signalTable().isEmpty()) {
            // a row inserted there starts an incremental snapshot of the tables it names, while streaming goes on
            props.setProperty("signal.data.collection", config.signalTable());
        }
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
