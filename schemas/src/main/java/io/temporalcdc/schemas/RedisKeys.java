package io.temporalcdc.schemas;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The seed's Redis cache key patterns and TTLs, as code.
 *
 * <p>Identifiers that come from {@code CHAR(n)} columns (such as {@code namespace_id}) arrive space-padded; the
 * builders strip trailing spaces so a key is the same whichever way the value was read, as PostgreSQL compares them.
 */
public final class RedisKeys {
    /** Workflow metadata cache: {@code wf_meta:{namespace_id}:{workflow_id}}. */
    public static final String WF_META_PREFIX = "wf_meta:";
    /** TTL of {@link #WF_META_PREFIX} keys (seed: 600 s). */
    public static final Duration WF_META_TTL = Duration.ofSeconds(600);
    /**
     * Task queue information cache: {@code tq_info:{namespace_id}:{task_queue_name}:{task_type}}. The seed names only
     * the {@code tq_info:} namespace; the suffix is this project's choice (see schemas/README.md).
     */
    public static final String TQ_INFO_PREFIX = "tq_info:";
    /** TTL of {@link #TQ_INFO_PREFIX} keys (seed: 300 s). */
    public static final Duration TQ_INFO_TTL = Duration.ofSeconds(300);
    /** User sessions, owned by the Web UI: {@code session:{session_id}}. This project never writes them. */
    public static final String SESSION_PREFIX = "session:";
    /** TTL of {@link #SESSION_PREFIX} keys (seed: 3600 s). */
    public static final Duration SESSION_TTL = Duration.ofSeconds(3600);
    /**
     * The tables ({@code schema.table}) whose rows make up a workflow's {@code wf_meta:} entry: a change to a row of
     * any of them invalidates {@code wf_meta:{namespace_id}:{workflow_id}} of the row.
     */
    public static final List<String> WF_META_TABLES = List.of(
            "temporal.executions",
            "temporal.current_executions",
            "temporal.activity_info_maps",
            "temporal.timer_info_maps",
            "temporal_visibility.executions");
    /** The table whose rows make up a task queue's {@code tq_info:} entry (through their {@code task_queue_id}). */
    public static final String TQ_INFO_TABLE = "temporal.tasks";
    /** Suffix of a key's version fence: {@code {<key>}:fence}, see {@link #fence}. */
    public static final String FENCE_SUFFIX = ":fence";
    /** Suffix of a key's winner fence (several regions): {@code {<key>}:winner}, see {@link #winner}. */
    public static final String WINNER_SUFFIX = ":winner";

    private RedisKeys() {}

    /** @return {@code wf_meta:{namespaceId}:{workflowId}} */
    public static String workflowMeta(String namespaceId, String workflowId) {
        return WF_META_PREFIX + part(namespaceId, "namespaceId") + ":" + part(workflowId, "workflowId");
    }

    /**
     * @param taskType Temporal's {@code TaskQueueType} number (1 = workflow, 2 = activity, 3 = Nexus)
     * @return {@code tq_info:{namespaceId}:{taskQueueName}:{taskType}}
     */
    public static String taskQueueInfo(String namespaceId, String taskQueueName, int taskType) {
        return TQ_INFO_PREFIX + part(namespaceId, "namespaceId") + ":" + part(taskQueueName, "taskQueueName") + ":"
                + taskType;
    }

    /** @return {@code session:{sessionId}} (the Web UI's key; here so every pattern of the seed lives in one place) */
    public static String session(String sessionId) {
        return SESSION_PREFIX + part(sessionId, "sessionId");
    }

    /**
     * @return the key of {@code key}'s version fence: {@code "{" + key + "}:fence"}, with literal braces — a Redis
     *     Cluster hash tag, so the key and its fence live in the same slot (what the cache invalidator's and the
     *     readers' Lua scripts need)
     */
    public static String fence(String key) {
        Objects.requireNonNull(key, "key");
        return "{" + key + "}" + FENCE_SUFFIX;
    }

    /**
     * @return the key of {@code key}'s winner fence: {@code "{" + key + "}:winner"}, literal braces as in {@link
     *     #fence}; a hash, run id → the highest conflict version of the run seen in any region
     */
    public static String winner(String key) {
        Objects.requireNonNull(key, "key");
        return "{" + key + "}" + WINNER_SUFFIX;
    }

    /** @return whether {@code key} belongs to a family the cache invalidator keeps fresh ({@code wf_meta:}, {@code tq_info:}) */
    public static boolean isInvalidated(String key) {
        return key.startsWith(WF_META_PREFIX) || key.startsWith(TQ_INFO_PREFIX);
    }

    /**
     * @return the TTL of the family {@code key} belongs to ({@code wf_meta:}, {@code tq_info:} or {@code session:}),
     *     or empty when it belongs to none
     */
    public static Optional<Duration> ttlOf(String key) {
        if (key.startsWith(WF_META_PREFIX)) {
            return Optional.of(WF_META_TTL);
        }
        if (key.startsWith(TQ_INFO_PREFIX)) {
            return Optional.of(TQ_INFO_TTL);
        }
        if (key.startsWith(SESSION_PREFIX)) {
            return Optional.of(SESSION_TTL);
        }
        return Optional.empty();
    }

    private static String part(String value, String what) {
        Objects.requireNonNull(value, what);
        return value.stripTrailing();
    }
}
