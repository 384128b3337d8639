package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RecentWorkflowsTest {

    private static final String NAMESPACE = "3f1c2a4e-7b7d-4f5e-9a51-0c4f3d1e2b61";

    private final Random random = new Random(7);

    @Test
    void shouldBeEmptyBeforeTheFirstWorkflow() {
        RecentWorkflows recent = new RecentWorkflows(4);

        assertThat(recent.pick(random)).isEmpty();
        assertThat(recent.latest()).isEmpty();
    }

    @Test
    void shouldPickOnlyAmongTheLastCapacityWorkflows() {
        RecentWorkflows recent = new RecentWorkflows(4);
        for (int i = 0; i < 10; i++) {
            recent.add(workflow(i));
        }

        Set<String> picked = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            picked.add(recent.pick(random).orElseThrow().workflowId());
        }

        assertThat(picked).containsExactlyInAnyOrder("wf-6", "wf-7", "wf-8", "wf-9");
        assertThat(recent.latest()).contains(workflow(9));
        assertThat(recent.added()).isEqualTo(10);
    }

    @Test
    void shouldPickAmongThoseAddedWhileNotYetFull() {
        RecentWorkflows recent = new RecentWorkflows(1000);
        recent.add(workflow(1));
        recent.add(workflow(2));

        for (int i = 0; i < 50; i++) {
            assertThat(recent.pick(random)).isPresent();
        }
    }

    @Test
    void shouldRefuseANonPositiveCapacity() {
        assertThatThrownBy(() -> new RecentWorkflows(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldNameTheSeedsKeysOfTheWorkflowAndItsWorkflowTaskQueue() {
        TouchedWorkflow workflow = new TouchedWorkflow(3, NAMESPACE, "wf-1", "orders");

        assertThat(workflow.workflowMetaKey()).isEqualTo("wf_meta:" + NAMESPACE + ":wf-1");
        assertThat(workflow.taskQueueInfoKey()).isEqualTo("tq_info:" + NAMESPACE + ":orders:1");
    }

    private static TouchedWorkflow workflow(int n) {
        return new TouchedWorkflow(1 + n % 16, NAMESPACE, "wf-" + n, "orders");
    }
}
