package io.temporalcdc.schemas;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The {@code task_queue_id} of {@code temporal.tasks}, encoded as Temporal's SQL persistence encodes it
 * ({@code common/persistence/sql}: {@code taskQueueId(namespaceID, name, taskType)} = the namespace id's bytes, the
 * queue name's UTF-8 bytes, then one byte for the {@code TaskQueueType}), adapted to the seed's textual namespace ids:
 * Temporal's namespace id is a 16-byte UUID; the seed's is text in {@code CHAR(64)} columns, so here it takes its 64
 * bytes, space-padded as the column stores it. The fixed width is what lets the name be read back.
 *
 * <p>Not decoded: Temporal's sub-queue form (the type byte with its high bit set, then a varint), which only its
 * {@code tasks_v2} table uses; it cannot be told apart from a name in every case.
 */
public final class TaskQueueIds {
    /** Bytes of the namespace id at the start of an id. */
    public static final int NAMESPACE_BYTES = 64;
    /** Temporal's {@code TASK_QUEUE_TYPE_WORKFLOW}. */
    public static final int WORKFLOW = 1;
    /** Temporal's {@code TASK_QUEUE_TYPE_ACTIVITY}. */
    public static final int ACTIVITY = 2;

    private static final int SUBQUEUE_FLAG = 0x80;

    private TaskQueueIds() {}

    /** One task queue: its namespace (trailing blanks stripped), name and type. */
    public record TaskQueueId(String namespaceId, String name, int taskType) {
        public TaskQueueId {
            Objects.requireNonNull(namespaceId, "namespaceId");
            Objects.requireNonNull(name, "name");
        }
    }

    /** @return the {@code task_queue_id} of a task queue */
    public static byte[] encode(String namespaceId, String name, int taskType) {
        if (taskType < 0 || taskType >= SUBQUEUE_FLAG) {
            throw new IllegalArgumentException("task queue type out of range: " + taskType);
        }
        byte[] namespace = namespaceId.stripTrailing().getBytes(StandardCharsets.UTF_8);
        if (namespace.length > NAMESPACE_BYTES) {
            throw new IllegalArgumentException(
                    "namespace id longer than " + NAMESPACE_BYTES + " bytes: " + namespaceId);
        }
        byte[] queue = name.getBytes(StandardCharsets.UTF_8);
        byte[] id = new byte[NAMESPACE_BYTES + queue.length + 1];
        Arrays.fill(id, 0, NAMESPACE_BYTES, (byte) ' ');
        System.arraycopy(namespace, 0, id, 0, namespace.length);
        System.arraycopy(queue, 0, id, NAMESPACE_BYTES, queue.length);
        id[id.length - 1] = (byte) taskType;
        return id;
    }

    /**
     * @return the task queue of an id {@link #encode} wrote
     * @throws IllegalArgumentException naming what is wrong with the id
     */
    public static TaskQueueId decode(byte[] id) {
        if (id == null || id.length < NAMESPACE_BYTES + 1) {
            throw new IllegalArgumentException("task_queue_id has " + (id == null ? 0 : id.length) + " bytes: at least "
                    + (NAMESPACE_BYTES + 1) + " expected (namespace id, name, type)");
        }
        int type = id[id.length - 1] & 0xFF;
        if ((type & SUBQUEUE_FLAG) != 0 || type == 0) {
            throw new IllegalArgumentException(
                    "task_queue_id ends with " + type + ", not a task queue type (1 workflow,"
                            + " 2 activity, 3 Nexus); Temporal's sub-queue form is not decoded");
        }
        String namespace = new String(id, 0, NAMESPACE_BYTES, StandardCharsets.UTF_8).stripTrailing();
        if (namespace.isEmpty()) {
            throw new IllegalArgumentException("task_queue_id starts with a blank namespace id");
        }
        String name = new String(id, NAMESPACE_BYTES, id.length - NAMESPACE_BYTES - 1, StandardCharsets.UTF_8);
        return new TaskQueueId(namespace, name, type);
    }
}
