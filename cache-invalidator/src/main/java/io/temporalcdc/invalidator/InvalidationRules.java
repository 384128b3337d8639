package io.temporalcdc.invalidator;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.RowColumns;
import io.temporalcdc.runtime.SourceRegions;
import io.temporalcdc.runtime.UnmappableChangeException;
import io.temporalcdc.schemas.ConflictVersion;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.TaskQueueIds;
import io.temporalcdc.schemas.Topics;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which Redis keys a change invalidates, by table:
 *
 * <ul>
 *   <li>{@code temporal.executions}, {@code current_executions}, {@code activity_info_maps}, {@code timer_info_maps}
 *       and {@code temporal_visibility.executions}: {@code wf_meta:{namespace_id}:{workflow_id}} of the row;
 *   <li>{@code temporal.tasks}: {@code tq_info:{namespace_id}:{task_queue_name}:{task_type}}, from the row's {@code
 *       task_queue_id} ({@link TaskQueueIds}).
 * </ul>
 *
 * The row is {@code after} for creates, updates and snapshot reads (a snapshot may follow changes the stream
 * missed), {@code before} for deletes (its key columns are there under any REPLICA IDENTITY); when an update carries
 * both images and they name different keys, both are invalidated. A row without the columns its rule needs is
 * {@link UnmappableChangeException}.
 */
public final class InvalidationRules {
    /**
     * The tables of the {@code temporal} schema whose rows are part of a workflow's cached metadata (those of {@link
     * RedisKeys#WF_META_TABLES} in that schema).
     */
    public static final List<String> WORKFLOW_TABLES = RedisKeys.WF_META_TABLES.stream()
            .filter(table -> table.startsWith(Topics.TEMPORAL_SCHEMA + "."))
            .map(table -> table.substring(Topics.TEMPORAL_SCHEMA.length() + 1))
            .toList();
    /** The tasks table, cached per task queue ({@link RedisKeys#TQ_INFO_TABLE}). */
    public static final String TASKS_TABLE =
            RedisKeys.TQ_INFO_TABLE.substring(RedisKeys.TQ_INFO_TABLE.indexOf('.') + 1);

    private static final String NAMESPACE_ID = "namespace_id";
    private static final String WORKFLOW_ID = "workflow_id";
    private static final String TASK_QUEUE_ID = "task_queue_id";
    private static final String RUN_ID = "run_id";
    /** The table whose rows carry a run's conflict versions. */
    public static final String EXECUTIONS_TABLE = "executions";
    /**
     * Every column a rule reads: the only ones worth decoding out of a change's row images (a run's id and versions
     * for the winner fences).
     */
    public static final Set<String> COLUMNS = Set.of(
            NAMESPACE_ID,
            WORKFLOW_ID,
            TASK_QUEUE_ID,
            RUN_ID,
            ConflictVersion.LAST_WRITE_VERSION,
            ConflictVersion.DB_RECORD_VERSION);

    /** What a table's rows map to. */
    public enum Rule {
        /** {@code wf_meta:{namespace_id}:{workflow_id}} */
        WORKFLOW,
        /** {@code tq_info:{namespace_id}:{task_queue_name}:{task_type}} */
        TASK_QUEUE
    }

    /**
     * A change topic the invalidator reads.
     *
     * @param rule what its rows map to
     * @param region the region whose changes it carries (its name; "" for an unnamed local region)
     * @param versioned whether its changes raise winner fences: {@code temporal.executions}, with several regions
     */
    public record Source(Rule rule, String region, boolean versioned) {}

    private InvalidationRules() {}

    /** @return the change topic of each table the invalidator reads, with its rule, for a topic prefix */
    public static Map<String, Rule> topics(String prefix) {
        Map<String, Rule> topics = new LinkedHashMap<>();
        sources(prefix, SourceRegions.single()).forEach((topic, source) -> topics.put(topic, source.rule()));
        return topics;
    }

    /** @return every region's change topic of each table the invalidator reads, with what it means */
    public static Map<String, Source> sources(String prefix, SourceRegions regions) {
        Map<String, Source> sources = new LinkedHashMap<>();
        String tasks = Topics.table(prefix, Topics.TEMPORAL_SCHEMA, TASKS_TABLE);
        String executions = Topics.table(prefix, Topics.TEMPORAL_SCHEMA, EXECUTIONS_TABLE);
        for (String local : Topics.cacheInvalidatorSources(prefix)) {
            Rule rule = local.equals(tasks) ? Rule.TASK_QUEUE : Rule.WORKFLOW;
            boolean versioned = regions.multiple() && local.equals(executions);
            regions.topics(local).forEach((region, topic) -> sources.put(topic, new Source(rule, region, versioned)));
        }
        return sources;
    }

    /**
     * @return the run a {@code temporal.executions} create, update or snapshot read names and the run's conflict
     *     version as the change left it
     * @throws UnmappableChangeException when the row lacks the run id or a version column
     */
    public static InvalidationRecord.Winner winner(Source source, ChangeEvent event) {
        JsonNode row = required(event.after(), "after");
        RowColumns columns = new RowColumns(row);
        return new InvalidationRecord.Winner(columns.requiredChar(RUN_ID), columns.conflictVersion(source.region()));
    }

    /**
     * @return the keys {@code event} invalidates, in a stable order, without duplicates; empty for tombstones and
     *     truncates (which name no row)
     * @throws UnmappableChangeException when a row lacks a column its rule needs, or a column does not decode
     */
    public static Set<String> keys(Rule rule, ChangeEvent event) {
        Set<String> keys = new LinkedHashSet<>(2);
        switch (event.op()) {
            case CREATE, READ -> keys.add(key(rule, required(event.after(), "after")));
            case DELETE -> keys.add(key(rule, required(event.before(), "before")));
            case UPDATE -> {
                if (event.before() != null && !event.before().isNull()) {
                    keys.add(key(rule, event.before()));
                }
                keys.add(key(rule, required(event.after(), "after")));
            }
            case TRUNCATE, TOMBSTONE -> {}
        }
        return keys;
    }

    private static String key(Rule rule, JsonNode row) {
        return switch (rule) {
            case WORKFLOW -> RedisKeys.workflowMeta(text(row, NAMESPACE_ID), text(row, WORKFLOW_ID));
            case TASK_QUEUE -> {
                TaskQueueIds.TaskQueueId queue;
                try {
                    queue = TaskQueueIds.decode(Base64.getDecoder().decode(text(row, TASK_QUEUE_ID)));
                } catch (IllegalArgumentException e) {
                    throw new UnmappableChangeException(TASK_QUEUE_ID + ": " + e.getMessage(), e);
                }
                yield RedisKeys.taskQueueInfo(queue.namespaceId(), queue.name(), queue.taskType());
            }
        };
    }

    private static JsonNode required(JsonNode row, String image) {
        if (row == null || row.isNull()) {
            throw new UnmappableChangeException("the change has no " + image + " image");
        }
        return row;
    }

    private static String text(JsonNode row, String column) {
        JsonNode value = row.get(column);
        if (value == null || value.isNull()) {
            throw new UnmappableChangeException(column + " is missing or NULL");
        }
        if (!value.isTextual()) {
            throw new UnmappableChangeException(column + " is " + value.getNodeType() + ", expected text");
        }
        String text = value.asText();
        if (text.isBlank()) {
            throw new UnmappableChangeException(column + " is blank");
        }
        return text;
    }
}
