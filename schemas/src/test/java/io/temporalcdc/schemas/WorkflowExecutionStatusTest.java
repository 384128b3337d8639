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
                        "TIMED_OUT=7");
    }

    @Test
    void shouldFindEveryStatusByItsCode() {
        for (WorkflowExecutionStatus status : WorkflowExecutionStatus.values()) {
            assertThat(WorkflowExecutionStatus.of(status.code())).isSameAs(status);
        }
    }

    @Test
    void shouldRejectCodesTemporalDoesNotDefine() {
        assertThatThrownBy(() -> WorkflowExecutionStatus.of(8))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("8");
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
