package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.invalidator.InvalidationRules.Rule;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEvent.Op;
import io.temporalcdc.runtime.UnmappableChangeException;
import io.temporalcdc.schemas.TaskQueueIds;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InvalidationRulesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChangeEvent.Source SOURCE =
            new ChangeEvent.Source("postgresql", "temporal", "temporal", "executions", 10, null, 1L, 1_000L, false);

    private static ChangeEvent event(Op op, JsonNode before, JsonNode after) {
        return new ChangeEvent(op, null, before, after, SOURCE);
    }

    @Test
    void shouldReadTheSixTablesTopicsWithTheirRules() {
        assertThat(InvalidationRules.topics("p"))
                .containsExactly(
                        Map.entry("p.temporal.executions", Rule.WORKFLOW),
                        Map.entry("p.temporal.current_executions", Rule.WORKFLOW),
                        Map.entry("p.temporal.activity_info_maps", Rule.WORKFLOW),
                        Map.entry("p.temporal.timer_info_maps", Rule.WORKFLOW),
                        Map.entry("p.temporal_visibility.executions", Rule.WORKFLOW),
                        Map.entry("p.temporal.tasks", Rule.TASK_QUEUE));
    }

    @Test
    void shouldMapAWorkflowRowToItsMetadataKeyWithoutTheCharPadding() {
        ObjectNode row = Changes.workflowRow("ns-1", "order-42", Map.of("run_id", "r1"));

        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.CREATE, null, row)))
                .containsExactly("wf_meta:ns-1:order-42");
        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.READ, null, row)))
                .containsExactly("wf_meta:ns-1:order-42");
    }

    @Test
    void shouldUseTheBeforeImageOfADeleteWhichHasOnlyTheKeyColumns() {
        ObjectNode keyOnly = Changes.workflowRow("ns-1", "gone", Map.of());

        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.DELETE, keyOnly, null)))
                .containsExactly("wf_meta:ns-1:gone");
    }

    @Test
    void shouldInvalidateBothKeysWhenAnUpdateMovesTheRow() {
        ObjectNode before = Changes.workflowRow("ns-1", "old-id", Map.of());
        ObjectNode after = Changes.workflowRow("ns-1", "new-id", Map.of());

        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.UPDATE, before, after)))
                .containsExactly("wf_meta:ns-1:old-id", "wf_meta:ns-1:new-id");
        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.UPDATE, after, after)))
                .containsExactly("wf_meta:ns-1:new-id");
        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.UPDATE, null, after)))
                .containsExactly("wf_meta:ns-1:new-id");
    }

    @Test
    void shouldDecodeTheTaskQueueIdOfATask() {
        ObjectNode task = Changes.taskRow("ns-1", "orders:high", TaskQueueIds.ACTIVITY, 5);

        assertThat(InvalidationRules.keys(Rule.TASK_QUEUE, event(Op.DELETE, task, null)))
                .containsExactly("tq_info:ns-1:orders:high:2");
    }

    @Test
    void shouldNameNoKeyForTombstonesAndTruncates() {
        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.TOMBSTONE, null, null)))
                .isEmpty();
        assertThat(InvalidationRules.keys(Rule.WORKFLOW, event(Op.TRUNCATE, null, null)))
                .isEmpty();
    }

    @Test
    void shouldRefuseRowsWithoutTheColumnsOfTheirRule() {
        ObjectNode noWorkflow = JSON.createObjectNode().put("namespace_id", "ns-1");
        ObjectNode numeric = Changes.workflowRow("ns-1", "x", Map.of()).put("workflow_id", 5);
        ObjectNode badQueue = JSON.createObjectNode().put("task_queue_id", "bm90IGEgcXVldWU=");

        assertThatThrownBy(() -> InvalidationRules.keys(Rule.WORKFLOW, event(Op.CREATE, null, noWorkflow)))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessage("workflow_id is missing or NULL");
        assertThatThrownBy(() -> InvalidationRules.keys(Rule.WORKFLOW, event(Op.CREATE, null, numeric)))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessage("workflow_id is NUMBER, expected text");
        assertThatThrownBy(() -> InvalidationRules.keys(Rule.TASK_QUEUE, event(Op.CREATE, null, badQueue)))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessageStartingWith("task_queue_id: task_queue_id has 11 bytes");
        assertThatThrownBy(() -> InvalidationRules.keys(Rule.WORKFLOW, event(Op.DELETE, null, null)))
                .isInstanceOf(UnmappableChangeException.class)
                .hasMessage("the change has no before image");
    }
}
