package io.temporalcdc.cdcsource;

import io.temporalcdc.runtime.ConfigValidation;
import io.temporalcdc.schemas.SourceProfiles;
import io.temporalcdc.schemas.Topics;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration of cdc-source, declared once: every key with its doc, default and validator.
 *
 * <p>Besides the keys below, three prefixes pass straight through: {@code debezium.*} to the
 * Debezium engine (which wins over what this app derives), {@code producer.*} to the Kafka
 * producer and {@code kafka.*} to every Kafka client (producer, offset store, preflight admin).
 */
public final class CdcSourceConfig extends AbstractConfig {

    /** Kafka bootstrap servers (host:port,...) of the cluster the change topics and offsets live in. Required. */
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    /** Host name or address of the PostgreSQL server that holds Temporal's schemas. Required. */
    public static final String DATABASE_HOSTNAME = "database.hostname";
    /** TCP port of the PostgreSQL server. */
    public static final String DATABASE_PORT = "database.port";
    /** PostgreSQL user: needs REPLICATION (or superuser) and CREATE on the database for the publication. Required. */
    public static final String DATABASE_USER = "database.user";
    /** Password of {@link #DATABASE_USER}; empty for trust authentication. */
    public static final String DATABASE_PASSWORD = "database.password";
    /** Name of the PostgreSQL database with the temporal and temporal_visibility schemas. Required. */
    public static final String DATABASE_DBNAME = "database.dbname";
    /** Prefix of every change topic: {@code <topic.prefix>.<schema>.<table>}; also Debezium's logical server name. */
    public static final String TOPIC_PREFIX = "topic.prefix";
    /** Logical replication slot: created when missing, never dropped; it is the durable read position. */
    public static final String SLOT_NAME = "slot.name";
    /** Publication over the temporal and temporal_visibility schemas: created when missing, reused when present. */
    public static final String PUBLICATION_NAME = "publication.name";
    /** Kafka topic of the engine's source offsets; empty means {@code <topic.prefix>.cdc-source.offsets}. */
    public static final String OFFSET_STORAGE_TOPIC = "offset.storage.topic";
    /** Partitions of the change topics cdc-source creates. */
    public static final String TOPIC_PARTITIONS = "topic.partitions";
    /** Replication factor of the change topics cdc-source creates; -1 is the broker's default. */
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    /**
     * Debezium's {@code time.precision.mode}, limited to the modes that send {@code timestamp(6)} as epoch
     * microseconds, which readers without the embedded schema assume.
     */
    public static final String TIME_PRECISION_MODE = "debezium.time.precision.mode";

    /** The wire format of the change topics: {@code avro} (Confluent wire format, schemas in the registry) or {@code json}. */
    public static final String FORMAT = "format";
    /** The schema registry (Confluent REST API) the Avro schemas are registered in. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    /**
     * The region whose database this cdc-source captures: the header {@link Topics#REGION_HEADER} of every record,
     * and the MirrorMaker 2 cluster alias of its Kafka; empty in a single-region deployment (no header).
     */
    public static final String REGION = "region";
    /**
     * What is captured: {@code seed} (the schemas temporal and temporal_visibility) or {@code temporal-v12}
     * (Temporal's own SQL visibility table, {@code <visibility.schema>.executions_visibility}).
     */
    public static final String SOURCE_PROFILE = "source.profile";
    /** The seed profile. */
    public static final String PROFILE_SEED = SourceProfiles.SEED;
    /** Temporal's own SQL visibility table (PostgreSQL v12 schema). */
    public static final String PROFILE_TEMPORAL_V12 = SourceProfiles.TEMPORAL_V12;
    /** The schema of {@code executions_visibility} in the visibility database ({@code temporal-v12}). */
    public static final String VISIBILITY_SCHEMA = "visibility.schema";

    /** Debezium's signaling table (incremental snapshots on request); empty disables signals. */
    public static final String SIGNAL_TABLE = "signal.table";
    /** WAL the slot may hold back before cdc-source raises its alert gauge and logs a warning. */
    public static final String SLOT_LAG_ALERT_BYTES = "slot.lag.alert.bytes";
    /** How often the replication slot's lag is read from PostgreSQL. */
    public static final String SLOT_MONITOR_INTERVAL_MS = "slot.monitor.interval.ms";

    /** Prefix of the settings passed to the Debezium engine as they are. */
    public static final String DEBEZIUM_PREFIX = "debezium.";
    /** Prefix of the settings passed to the Kafka producer. */
    public static final String PRODUCER_PREFIX = "producer.";
    /** Prefix of the settings passed to every Kafka client. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** The schemas captured, comma separated; fixed by the product. */
    public static final String CAPTURED_SCHEMAS = String.join(",", Topics.CAPTURED_SCHEMAS);

    private static final Pattern TOPIC_PREFIX_PATTERN = Pattern.compile("[a-zA-Z0-9._-]{1,200}");
    private static final Pattern PG_IDENTIFIER = SourceProfiles.POSTGRES_IDENTIFIER;
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final Pattern REGION_NAME = Pattern.compile("([a-zA-Z0-9_-]{1,64})?");

    /** The definition of every key. */
    public static final ConfigDef DEF = new ConfigDef()
            .define(
                    KAFKA_BOOTSTRAP_SERVERS,
                    Type.LIST,
                    ConfigDef.NO_DEFAULT_VALUE,
                    nonEmptyList(),
                    Importance.HIGH,
                    "Kafka bootstrap servers (host:port,...) of the cluster that receives the change topics and the offsets.")
            .define(
                    DATABASE_HOSTNAME,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.HIGH,
                    "Host name or address of the PostgreSQL server (wal_level=logical) that holds Temporal's schemas.")
            .define(
                    DATABASE_PORT,
                    Type.INT,
                    5432,
                    ConfigDef.Range.between(1, 65535),
                    Importance.HIGH,
                    "TCP port of the PostgreSQL server.")
            .define(
                    DATABASE_USER,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.HIGH,
                    "PostgreSQL user with REPLICATION (or superuser), allowed to create the publication.")
            .define(
                    DATABASE_PASSWORD,
                    Type.PASSWORD,
                    "",
                    Importance.HIGH,
                    "Password of database.user; empty when the server trusts the user.")
            .define(
                    DATABASE_DBNAME,
                    Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyStringWithoutControlChars(),
                    Importance.HIGH,
                    "PostgreSQL database with the temporal and temporal_visibility schemas.")
            .define(
                    TOPIC_PREFIX,
                    Type.STRING,
                    "temporal",
                    matching(TOPIC_PREFIX_PATTERN, "letters, digits, '.', '_' or '-'"),
                    Importance.HIGH,
                    "Prefix of the change topics <topic.prefix>.<schema>.<table>, as Debezium in Kafka Connect names them.")
            .define(
                    SLOT_NAME,
                    Type.STRING,
                    "temporal_cdc",
                    matching(PG_IDENTIFIER, "lowercase letters, digits or '_', at most 63"),
                    Importance.MEDIUM,
                    "Logical replication slot (pgoutput). Created when missing and never dropped: it is the durable position.")
            .define(
                    PUBLICATION_NAME,
                    Type.STRING,
                    "temporal_cdc",
                    matching(PG_IDENTIFIER, "lowercase letters, digits or '_', at most 63"),
                    Importance.MEDIUM,
                    "Publication FOR TABLES IN SCHEMA temporal, temporal_visibility (publish_via_partition_root); created when missing.")
            .define(
                    OFFSET_STORAGE_TOPIC,
                    Type.STRING,
                    "",
                    optional(TOPIC_NAME),
                    Importance.MEDIUM,
                    "Kafka topic with the engine's offsets (one partition, compacted); empty means <topic.prefix>.cdc-source.offsets.")
            .define(
                    TOPIC_PARTITIONS,
                    Type.INT,
                    6,
                    ConfigDef.Range.between(1, 10_000),
                    Importance.MEDIUM,
                    "Partitions of each change topic cdc-source creates at start-up when it is missing (compacted: keys"
                            + " are primary keys and deletes are followed by tombstones). Rows keep their order: a key"
                            + " always lands on the same partition. An existing topic is used as it is.")
            .define(
                    TOPIC_REPLICATION_FACTOR,
                    Type.SHORT,
                    (short) -1,
                    ConfigDef.Range.atLeast(-1),
                    Importance.MEDIUM,
                    "Replication factor of the change topics cdc-source creates; -1 is the broker's default.")
            .define(
                    TIME_PRECISION_MODE,
                    Type.STRING,
                    "adaptive",
                    ConfigDef.ValidString.in("adaptive", "adaptive_time_microseconds"),
                    Importance.LOW,
                    "Debezium's time.precision.mode. Only the modes that send timestamp(6) columns as epoch"
                            + " microseconds are allowed: readers of topics without the embedded schema rely on it.")
            .define(
                    REGION,
                    Type.STRING,
                    "",
                    matching(
                            REGION_NAME,
                            "empty, or at most 64 letters, digits, '_' or '-' (no '.': MirrorMaker 2"
                                    + " separates the region from the topic with it)"),
                    Importance.MEDIUM,
                    "The region whose database this cdc-source captures (e.g. us-east-1). Every record carries it in"
                            + " the header " + Topics.REGION_HEADER + "; name this region's Kafka cluster the same in"
                            + " MirrorMaker 2, whose default policy mirrors its topics to other regions as"
                            + " <region>.<topic>. Empty (the default): one region, no header.")
            .define(
                    SOURCE_PROFILE,
                    Type.STRING,
                    PROFILE_SEED,
                    ConfigDef.ValidString.in(PROFILE_SEED, PROFILE_TEMPORAL_V12),
                    Importance.HIGH,
                    "What is captured. seed: every table of the schemas temporal and temporal_visibility (publication"
                            + " FOR TABLES IN SCHEMA, created by a superuser). temporal-v12: Temporal's own SQL visibility"
                            + " table <visibility.schema>.executions_visibility of the visibility database (database.dbname),"
                            + " publication FOR TABLE, which the table's owner may create; topic"
                            + " <topic.prefix>.<visibility.schema>.executions_visibility.")
            .define(
                    VISIBILITY_SCHEMA,
                    Type.STRING,
                    Topics.TEMPORAL_VISIBILITY_DEFAULT_SCHEMA,
                    matching(PG_IDENTIFIER, "lowercase letters, digits or '_', at most 63"),
                    Importance.MEDIUM,
                    "temporal-v12: the schema of executions_visibility in the visibility database (temporal-sql-tool"
                            + " puts it in public).")
            .define(
                    SIGNAL_TABLE,
                    Type.STRING,
                    "temporal.temporal_cdc_signal",
                    optionalQualifiedTable(),
                    Importance.MEDIUM,
                    "Debezium's signaling table (schema.table, in one of the captured schemas): a row inserted there"
                            + " asks for an incremental snapshot of some tables while streaming goes on. Created at"
                            + " start-up when missing (id varchar(42) primary key, type varchar(32), data"
                            + " varchar(2048)); the user needs INSERT on it (the snapshot writes its watermarks"
                            + " there). Empty: no signals.")
            .define(
                    SLOT_LAG_ALERT_BYTES,
                    Type.LONG,
                    1_048_576L,
                    ConfigDef.Range.atLeast(0),
                    Importance.MEDIUM,
                    "WAL (bytes) the replication slot may hold back (current WAL position - confirmed_flush_lsn)"
                            + " before cdc_source_slot_lag_alert turns 1 and a warning is logged; the default is the"
                            + " seed's 1 MB replication-lag threshold.")
            .define(
                    SLOT_MONITOR_INTERVAL_MS,
                    Type.LONG,
                    5_000L,
                    ConfigDef.Range.between(100, 3_600_000),
                    Importance.LOW,
                    "How often the slot's lag (bytes and seconds) is read from pg_replication_slots and"
                            + " pg_stat_replication.")
            .define(
                    FORMAT,
                    Type.STRING,
                    "avro",
                    ConfigDef.CaseInsensitiveValidString.in("avro", "json"),
                    Importance.HIGH,
                    "Wire format of keys and values. avro: the Confluent wire format (magic byte 0, the 4-byte id of"
                            + " the schema registered under <topic>-key / <topic>-value, Avro binary), as Kafka"
                            + " Connect's Avro converters write it; needs schema.registry.url. json: Kafka Connect's"
                            + " JsonConverter with the embedded schema ({\"schema\":...,\"payload\":...}). The apps"
                            + " read both, record by record.")
            .define(
                    SCHEMA_REGISTRY_URL,
                    Type.STRING,
                    "",
                    ConfigValidation.optionalHttpUrl(),
                    Importance.HIGH,
                    "Base URL of a schema registry speaking Confluent's REST API (Confluent, Apicurio's"
                            + " /apis/ccompat/v7, Karapace); required when format=avro.");

    /** Parses and validates {@code settings} against {@link #DEF}. */
    public CdcSourceConfig(Map<String, String> settings) {
        super(DEF, settings, false);
        if (avro() && schemaRegistryUrl().isEmpty()) {
            throw new ConfigException(
                    SCHEMA_REGISTRY_URL, "", "format=avro needs the schema registry's URL (or set format=json)");
        }
        if (temporalProfile()
                && originals().containsKey(SIGNAL_TABLE)
                && !getString(SIGNAL_TABLE).isEmpty()) {
            throw new ConfigException(
                    SIGNAL_TABLE,
                    getString(SIGNAL_TABLE),
                    "the temporal-v12 profile captures one table and no signaling table: leave signal.table unset");
        }
    }

    /** @return the signaling table ({@code schema.table}); empty when signals are off, always under temporal-v12 */
    public String signalTable() {
        return temporalProfile() ? "" : getString(SIGNAL_TABLE);
    }

    /** @return whether the {@value #PROFILE_TEMPORAL_V12} profile is configured */
    public boolean temporalProfile() {
        return PROFILE_TEMPORAL_V12.equals(getString(SOURCE_PROFILE));
    }

    /** @return what this profile captures */
    CapturedTables captured() {
        return temporalProfile()
                ? CapturedTables.temporalVisibility(getString(VISIBILITY_SCHEMA))
                : CapturedTables.seed();
    }

    /** @return the region (empty: a single-region deployment) */
    public String region() {
        return getString(REGION);
    }

    public long slotLagAlertBytes() {
        return getLong(SLOT_LAG_ALERT_BYTES);
    }

    public java.time.Duration slotMonitorInterval() {
        return java.time.Duration.ofMillis(getLong(SLOT_MONITOR_INTERVAL_MS));
    }

    /** Whether the topics carry Avro (else JSON). */
    public boolean avro() {
        return "avro".equalsIgnoreCase(getString(FORMAT));
    }

    /** The schema registry's base URL; empty when none is configured. */
    public String schemaRegistryUrl() {
        return getString(SCHEMA_REGISTRY_URL).strip();
    }

    public int topicPartitions() {
        return getInt(TOPIC_PARTITIONS);
    }

    public short topicReplicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR);
    }

    /** Kafka bootstrap servers, comma separated. */
    public String bootstrapServers() {
        return String.join(",", getList(KAFKA_BOOTSTRAP_SERVERS));
    }

    public String databaseHostname() {
        return getString(DATABASE_HOSTNAME);
    }

    public int databasePort() {
        return getInt(DATABASE_PORT);
    }

    public String databaseUser() {
        return getString(DATABASE_USER);
    }

    public String databasePassword() {
        return getPassword(DATABASE_PASSWORD).value();
    }

    public String databaseName() {
        return getString(DATABASE_DBNAME);
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    public String slotName() {
        return getString(SLOT_NAME);
    }

    public String publicationName() {
        return getString(PUBLICATION_NAME);
    }

    /** The offset topic: the configured one, or {@code <topic.prefix>.cdc-source.offsets}. */
    public String offsetStorageTopic() {
        final String topic = getString(OFFSET_STORAGE_TOPIC);
        return topic.isBlank() ? topicPrefix() + ".cdc-source.offsets" : topic;
    }

    /** JDBC URL of the database. */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + databaseHostname() + ":" + databasePort() + "/" + databaseName();
    }

    /** {@code kafka.*} settings (prefix stripped) plus the bootstrap servers: the base of every Kafka client. */
    public Map<String, Object> kafkaClientProps() {
        final Map<String, Object> props = new HashMap<>(originalsWithPrefix(KAFKA_PREFIX));
        props.remove("bootstrap.servers");
        props.put("bootstrap.servers", bootstrapServers());
        return props;
    }

    /** {@code debezium.*} settings, prefix stripped. */
    public Map<String, Object> debeziumOverrides() {
        return originalsWithPrefix(DEBEZIUM_PREFIX);
    }

    /** {@code producer.*} settings, prefix stripped. */
    public Map<String, Object> producerOverrides() {
        return originalsWithPrefix(PRODUCER_PREFIX);
    }

    private static ConfigDef.Validator nonEmptyList() {
        return ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    if (value == null || ((java.util.List<?>) value).isEmpty()) {
                        throw new ConfigException(name, value, "must name at least one host:port");
                    }
                },
                () -> "non-empty list of host:port");
    }

    private static ConfigDef.Validator matching(Pattern pattern, String description) {
        return ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    if (value == null || !pattern.matcher(value.toString()).matches()) {
                        throw new ConfigException(name, value, "must be " + description);
                    }
                },
                () -> description);
    }

    private static ConfigDef.Validator optionalQualifiedTable() {
        return ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    final String text = value == null ? "" : value.toString();
                    if (text.isEmpty()) {
                        return;
                    }
                    final String[] parts = text.split("\\.", -1);
                    if (parts.length != 2
                            || !Topics.CAPTURED_SCHEMAS.contains(parts[0])
                            || !PG_IDENTIFIER.matcher(parts[1]).matches()) {
                        throw new ConfigException(
                                name,
                                value,
                                "must be <schema>.<table> in a captured schema (" + CAPTURED_SCHEMAS + ")");
                    }
                },
                () -> "empty or <captured schema>.<table>");
    }

    private static ConfigDef.Validator optional(Pattern pattern) {
        return ConfigDef.LambdaValidator.with(
                (name, value) -> {
                    if (value != null
                            && !value.toString().isEmpty()
                            && !pattern.matcher(value.toString()).matches()) {
                        throw new ConfigException(
                                name, value, "must be a Kafka topic name (letters, digits, '.', '_', '-')");
                    }
                },
                () -> "empty or a Kafka topic name");
    }
}
