package io.temporalcdc.indexer;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Builds change records of {@code temporal_visibility.executions} exactly as Debezium's PostgreSQL connector and
 * Kafka Connect's {@link JsonConverter} write them (with or without the embedded schema): the same logical
 * types ({@code io.debezium.time.MicroTimestamp}, {@code io.debezium.data.Json}), {@code bytea} as bytes
 * (base64 in JSON), CHAR(64) values space-padded.
 */
final class DebeziumRecords {
    static final String MICRO_TIMESTAMP = "io.debezium.time.MicroTimestamp";

    private static final Schema TIMESTAMP =
            SchemaBuilder.int64().name(MICRO_TIMESTAMP).version(1).build();
    private static final Schema OPTIONAL_TIMESTAMP =
            SchemaBuilder.int64().name(MICRO_TIMESTAMP).version(1).optional().build();
    private static final Schema JSON = SchemaBuilder.string()
            .name("io.debezium.data.Json")
            .version(1)
            .optional()
            .build();

    static final Schema KEY = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Key")
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("run_id", Schema.STRING_SCHEMA)
            .build();

    static final Schema ROW = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Value")
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("run_id", Schema.STRING_SCHEMA)
            .field("start_time", TIMESTAMP)
            .field("execution_time", TIMESTAMP)
            .field("workflow_id", Schema.STRING_SCHEMA)
            .field("workflow_type_name", Schema.STRING_SCHEMA)
            .field("status", Schema.INT32_SCHEMA)
            .field("close_time", OPTIONAL_TIMESTAMP)
            .field("history_length", Schema.OPTIONAL_INT64_SCHEMA)
            .field("memo", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("encoding", Schema.OPTIONAL_STRING_SCHEMA)
            .field("task_queue", Schema.OPTIONAL_STRING_SCHEMA)
            .field("search_attributes", JSON)
            .optional()
            .build();

    /** A row image with only the primary key, as Debezium sends {@code before} without REPLICA IDENTITY FULL. */
    static final Schema KEY_ONLY_ROW = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.executions.Value")
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("run_id", Schema.STRING_SCHEMA)
            .optional()
            .build();

    static final Schema SOURCE = SchemaBuilder.struct()
            .name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA)
            .field("connector", Schema.STRING_SCHEMA)
            .field("name", Schema.STRING_SCHEMA)
            .field("ts_ms", Schema.INT64_SCHEMA)
            .field(
                    "snapshot",
                    SchemaBuilder.string().optional().defaultValue("false").build())
            .field("db", Schema.STRING_SCHEMA)
            .field("sequence", Schema.OPTIONAL_STRING_SCHEMA)
            .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
            .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA)
            .field("schema", Schema.STRING_SCHEMA)
            .field("table", Schema.STRING_SCHEMA)
            .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
            .field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
            .build();

    private DebeziumRecords() {}

    /** A visibility row: column name → Java value (String, Integer, Long, byte[] or null). */
    static final class Row {
        private final Map<String, Object> values = new LinkedHashMap<>();

        /** A running workflow with every column set except close_time. */
        static Row running(String workflowId, String runId) {
            return new Row()
                    .set("namespace_id", pad("ns-1", 64))
                    .set("run_id", pad(runId, 64))
                    .set("start_time", 1_709_288_130_000_120L)
                    .set("execution_time", 1_709_288_131_000_000L)
                    .set("workflow_id", workflowId)
                    .set("workflow_type_name", "OrderWorkflow")
                    .set("status", 1)
                    .set("close_time", null)
                    .set("history_length", 5L)
                    .set("memo", "{\"note\":\"hello\"}".getBytes(StandardCharsets.UTF_8))
                    .set("encoding", "json/plain")
                    .set("task_queue", "orders")
                    .set("search_attributes", "{\"CustomKeywordField\":\"gold\",\"CustomIntField\":7}");
        }

        Row set(String column, Object value) {
            values.put(column, value);
            return this;
        }

        Object get(String column) {
            return values.get(column);
        }

        Struct toStruct() {
            Struct struct = new Struct(ROW);
            values.forEach(struct::put);
            return struct;
        }

        Struct keyOnly() {
            return new Struct(KEY_ONLY_ROW)
                    .put("namespace_id", get("namespace_id"))
                    .put("run_id", get("run_id"));
        }

        Struct key() {
            return new Struct(KEY).put("namespace_id", get("namespace_id")).put("run_id", get("run_id"));
        }
    }

    static String pad(String value, int length) {
        return String.format("%-" + length + "s", value);
    }

    /** The record key of the row (its primary key). */
    static byte[] key(Row row, boolean schemas) {
        return converter(schemas, true).fromConnectData("t", KEY, row.key());
    }

    /** A create ("c"), read ("r") or update ("u") of {@code after}. */
    static byte[] upsert(String op, Row after, long lsn, long tsMs, boolean schemas) {
        return envelope(op, null, after.toStruct(), new At(-1, lsn, tsMs), schemas, ROW);
    }

    /**
     * Where a change was committed.
     *
     * @param lastCommit Debezium's {@code sequence[0]}: the end LSN of the transaction committed before this one; -1
     *     for none (null)
     */
    record At(long lastCommit, long lsn, long tsMs) {}

    /** A create, read or update of {@code after} at {@code at}. */
    static byte[] upsert(String op, Row after, At at, boolean schemas) {
        return envelope(op, null, after.toStruct(), at, schemas, ROW);
    }

    /** A delete at {@code at}. */
    static byte[] delete(Row before, At at, boolean schemas) {
        return envelope("d", before.toStruct(), null, at, schemas, ROW);
    }

    static final Schema CUSTOM_KEY = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.custom_search_attributes.Key")
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("run_id", Schema.STRING_SCHEMA)
            .build();

    static final Schema CUSTOM_ROW = SchemaBuilder.struct()
            .name("temporal.temporal_visibility.custom_search_attributes.Value")
            .field("namespace_id", Schema.STRING_SCHEMA)
            .field("run_id", Schema.STRING_SCHEMA)
            .field(
                    "search_attributes",
                    SchemaBuilder.string()
                            .name("io.debezium.data.Json")
                            .version(1)
                            .build())
            .optional()
            .build();

    /** The key of the custom search attributes row of {@code row}. */
    static byte[] customKey(Row row, boolean schemas) {
        return converter(schemas, true)
                .fromConnectData(
                        "t",
                        CUSTOM_KEY,
                        new Struct(CUSTOM_KEY)
                                .put("namespace_id", row.get("namespace_id"))
                                .put("run_id", row.get("run_id")));
    }

    /** A create or update of the custom search attributes row of {@code row}. */
    static byte[] customUpsert(String op, Row row, String attributesJson, At at, boolean schemas) {
        return envelope(op, null, customRow(row, attributesJson), at, schemas, CUSTOM_ROW);
    }

    /** A delete of the custom search attributes row of {@code row}. */
    static byte[] customDelete(Row row, String attributesJson, At at, boolean schemas) {
        return envelope("d", customRow(row, attributesJson), null, at, schemas, CUSTOM_ROW);
    }

    private static Struct customRow(Row row, String attributesJson) {
        return new Struct(CUSTOM_ROW)
                .put("namespace_id", row.get("namespace_id"))
                .put("run_id", row.get("run_id"))
                .put("search_attributes", attributesJson);
    }

    /** A delete with the full {@code before} image (REPLICA IDENTITY FULL). */
    static byte[] delete(Row before, long lsn, long tsMs, boolean schemas) {
        return envelope("d", before.toStruct(), null, new At(-1, lsn, tsMs), schemas, ROW);
    }

    /** A delete whose {@code before} has only the primary key (REPLICA IDENTITY DEFAULT). */
    static byte[] deleteKeyOnly(Row before, long lsn, long tsMs, boolean schemas) {
        return envelope("d", before.keyOnly(), null, new At(-1, lsn, tsMs), schemas, KEY_ONLY_ROW);
    }

    /** A truncate event: no row, only the source. */
    static byte[] truncate(long lsn, long tsMs, boolean schemas) {
        return envelope("t", null, null, new At(-1, lsn, tsMs), schemas, ROW);
    }

    private static byte[] envelope(String op, Struct before, Struct after, At at, boolean schemas, Schema rowSchema) {
        Schema envelope = SchemaBuilder.struct()
                .name("temporal.temporal_visibility.executions.Envelope")
                .version(2)
                .field("before", rowSchema)
                .field("after", rowSchema)
                .field("source", SOURCE)
                .field("op", Schema.STRING_SCHEMA)
                .field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        Struct value = new Struct(envelope)
                .put("before", before)
                .put("after", after)
                .put("source", source(at, "r".equals(op), rowSchema))
                .put("op", op)
                .put("ts_ms", at.tsMs() + 5);
        return converter(schemas, false).fromConnectData("t", envelope, value);
    }

    private static Struct source(At at, boolean snapshot, Schema rowSchema) {
        long lsn = at.lsn();
        long tsMs = at.tsMs();
        String table = rowSchema == CUSTOM_ROW ? "custom_search_attributes" : "executions";
        return new Struct(SOURCE)
                .put("version", "3.6.1.Final")
                .put("connector", "postgresql")
                .put("name", "temporal")
                .put("ts_ms", tsMs)
                .put("snapshot", snapshot ? "true" : "false")
                .put("db", "temporal")
                .put(
                        "sequence",
                        "[" + (at.lastCommit() < 0 ? "null" : "\"" + at.lastCommit() + "\"") + ",\"" + lsn + "\"]")
                .put("ts_us", tsMs * 1000)
                .put("ts_ns", tsMs * 1_000_000)
                .put("schema", "temporal_visibility")
                .put("table", table)
                .put("txId", 777L)
                .put("lsn", lsn)
                .put("xmin", null);
    }

    private static JsonConverter converter(boolean schemas, boolean isKey) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of("schemas.enable", schemas), isKey);
        return converter;
    }
}
