package io.temporalcdc.indexer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rows of Temporal's {@code executions_visibility} and their Debezium records as Kafka Connect's JsonConverter writes
 * them without schemas: CHAR(64) padded, TIMESTAMP as epoch µs, BYTEA as base64, JSONB as text.
 */
final class TemporalRows {
    static final String NAMESPACE_ID = "7d1f3a52-8c4e-4b6a-9f20-31c5e7a9b0d4";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TemporalRows() {}

    /** A running workflow's row at {@code version}; its Int01 attribute is the version, to tell versions apart. */
    static ObjectNode row(String workflowId, String runId, long version) {
        ObjectNode row = JSON.createObjectNode();
        row.put("namespace_id", pad(NAMESPACE_ID));
        row.put("run_id", pad(runId));
        row.put("_version", version);
        row.put("start_time", 1_764_489_600_123_456L);
        row.put("execution_time", 1_764_489_600_123_456L);
        row.put("workflow_id", workflowId);
        row.put("workflow_type_name", "OrderWorkflow");
        row.put("status", 1);
        row.putNull("close_time");
        row.putNull("history_length");
        row.putNull("history_size_bytes");
        row.putNull("execution_duration");
        row.putNull("state_transition_count");
        row.put("memo", "CgVub3Rlcw==");
        row.put("encoding", "Proto3");
        row.put("task_queue", "orders");
        row.put("search_attributes", "{\"Keyword01\":\"gold\",\"Int01\":" + version + ",\"BuildIds\":[\"b1\"]}");
        row.putNull("parent_workflow_id");
        row.putNull("parent_run_id");
        row.put("root_workflow_id", workflowId);
        row.put("root_run_id", runId);
        return row;
    }

    /** The row closed with {@code status}. */
    static ObjectNode closed(ObjectNode row, int status) {
        row.put("status", status);
        row.put("close_time", 1_764_489_660_000_000L);
        row.put("execution_duration", 59_876_544_000L);
        row.put("history_length", 11);
        row.put("state_transition_count", 6);
        row.put("history_size_bytes", 2_048);
        return row;
    }

    /** A delete's before image under REPLICA IDENTITY DEFAULT: the key, 0 in the NOT NULL version. */
    static ObjectNode keyOnly(ObjectNode row) {
        ObjectNode before = JSON.createObjectNode();
        before.put("namespace_id", row.path("namespace_id").asText());
        before.put("run_id", row.path("run_id").asText());
        before.put("_version", 0);
        return before;
    }

    static String pad(String value) {
        return value + " ".repeat(64 - value.length());
    }

    /** @return the document id of the row */
    static String id(ObjectNode row) {
        return row.path("workflow_id").asText() + "~"
                + row.path("run_id").asText().strip();
    }

    /** @return the record key: the primary key */
    static byte[] key(ObjectNode image) {
        return json(JSON.createObjectNode()
                .put("namespace_id", image.path("namespace_id").asText())
                .put("run_id", image.path("run_id").asText()));
    }

    /** @return the change record's value */
    static byte[] value(String op, ObjectNode before, ObjectNode after, long lsn, String server) {
        ObjectNode value = JSON.createObjectNode();
        value.set("before", before);
        value.set("after", after);
        value.putObject("source")
                .put("version", "3.6.1.Final")
                .put("connector", "postgresql")
                .put("name", server)
                .put("ts_ms", System.currentTimeMillis())
                .put("snapshot", "r".equals(op) ? "true" : "false")
                .put("db", "temporal_visibility")
                .put("sequence", "[null,\"" + lsn + "\"]")
                .put("schema", "public")
                .put("table", "executions_visibility")
                .put("txId", 42L)
                .put("lsn", lsn);
        value.put("op", op);
        value.put("ts_ms", System.currentTimeMillis());
        return json(value);
    }

    private static byte[] json(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
