package io.temporalcdc.invalidator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.schemas.TaskQueueIds;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * Debezium change records of Temporal's tables as Kafka Connect's JsonConverter writes them with {@code
 * schemas.enable=false}: {@code {"before":…,"after":…,"source":…,"op":…}}; CHAR(64) namespace ids space-padded,
 * {@code bytea} as base64.
 */
final class Changes {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Changes() {}

    /** A row of one of the workflow tables: its namespace and workflow columns plus {@code extra}. */
    static ObjectNode workflowRow(String namespaceId, String workflowId, Map<String, Object> extra) {
        ObjectNode row = JSON.createObjectNode();
        row.put("shard_id", 1);
        row.put("namespace_id", String.format("%-64s", namespaceId));
        row.put("workflow_id", workflowId);
        extra.forEach((column, value) -> row.putPOJO(column, value));
        return row;
    }

    /** A row of {@code temporal.tasks}. */
    static ObjectNode taskRow(String namespaceId, String queue, int type, long taskId) {
        ObjectNode row = JSON.createObjectNode();
        row.put("range_hash", 7);
        row.put("task_queue_id", Base64.getEncoder().encodeToString(TaskQueueIds.encode(namespaceId, queue, type)));
        row.put("task_id", taskId);
        return row;
    }

    static byte[] change(String op, ObjectNode before, ObjectNode after, long tsMs) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("before", before);
        envelope.set("after", after);
        ObjectNode source = envelope.putObject("source");
        source.put("version", "3.4.0.Final");
        source.put("connector", "postgresql");
        source.put("name", "temporal");
        source.put("ts_ms", tsMs);
        source.put("snapshot", "false");
        source.put("db", "temporal");
        source.put("schema", "temporal");
        source.put("table", "t");
        source.put("lsn", 1_000L);
        envelope.put("op", op);
        envelope.put("ts_ms", tsMs + 5);
        return bytes(envelope);
    }

    static byte[] create(ObjectNode after, long tsMs) {
        return change("c", null, after, tsMs);
    }

    static byte[] delete(ObjectNode before, long tsMs) {
        return change("d", before, null, tsMs);
    }

    static byte[] truncate(long tsMs) {
        return change("t", null, null, tsMs);
    }

    static byte[] key(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
