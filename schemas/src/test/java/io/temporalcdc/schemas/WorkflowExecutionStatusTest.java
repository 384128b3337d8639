package io.temporalcdc.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WorkflowExecutionStatusTest {

    @Test
    void shouldNumberStatusesLikeTemporalsApi() {
        assertThat(Arrays.stream(WorkflowExecutionStatus.values()).map(s -> s.name() + "=" + s.code()))
                .containsExactly(
                        "UNSPECIFIED=0",
                        "RUNNING=1",
                        "COMPLETED=2",
                        "FAILED=3",
                        "CANCELED=4",
                        "TERMINATED=5",
                        "CONTINUED_AS_NEW=6",
                        "TIMED_OUT=7",
                        "PAUSED=8");
    }

    @Test
    void shouldNameStatusesAsTemporalsApiDoes() {
        // go.temporal.io/api enums/v1/workflow.pb.go, WorkflowExecutionStatus.String(): the shorthand names
        assertThat(Arrays.stream(WorkflowExecutionStatus.values()).map(WorkflowExecutionStatus::apiName))
                .containsExactly(
                        "Unspecified",
                        "Running",
                        "Completed",
                        "Failed",
                        "Canceled",
                        "Terminated",
                        "ContinuedAsNew",
                        "TimedOut",
                        "Paused");
    }

    @Test
    void shouldFindEveryStatusByItsCode() {
        for (WorkflowExecutionStatus status : WorkflowExecutionStatus.values()) {
            assertThat(WorkflowExecutionStatus.of(status.code())).isSameAs(status);
        }
    }

    @Test
    void shouldRejectCodesTemporalDoesNotDefine() {
        assertThatThrownBy(() -> WorkflowExecutionStatus.of(9))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("9");
        assertThatThrownBy(() -> WorkflowExecutionStatus.of(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldTreatCompletedThroughTimedOutAsClosed() {
        assertThat(Arrays.stream(WorkflowExecutionStatus.values())
                        .filter(WorkflowExecutionStatus::isClosed)
                        .map(WorkflowExecutionStatus::code))
                .containsExactly(2, 3, 4, 5, 6, 7);
    }
}
