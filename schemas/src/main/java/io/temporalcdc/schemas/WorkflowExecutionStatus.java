package io.temporalcdc.schemas;

/**
 * Temporal's {@code temporal.api.enums.v1.WorkflowExecutionStatus} numbering, as stored in
 * {@code temporal_visibility.executions.status} and indexed as {@code ExecutionStatus}. The seed's SQL numbers
 * statuses differently in places; this project follows Temporal (see schemas/README.md).
 */
public enum WorkflowExecutionStatus {
    /** 0: not set. */
    UNSPECIFIED(0),
    /** 1: open. */
    RUNNING(1),
    /** 2: closed successfully. */
    COMPLETED(2),
    /** 3: closed with a failure. */
    FAILED(3),
    /** 4: closed by cancellation. */
    CANCELED(4),
    /** 5: closed by termination. */
    TERMINATED(5),
    /** 6: closed, a new run continues it. */
    CONTINUED_AS_NEW(6),
    /** 7: closed by a time-out. */
    TIMED_OUT(7);

    private final int code;

    WorkflowExecutionStatus(int code) {
        this.code = code;
    }

    /** @return Temporal's number of this status */
    public int code() {
        return code;
    }

    /**
     * @param code Temporal's number
     * @return the status with that number
     * @throws IllegalArgumentException for a number Temporal does not define
     */
    public static WorkflowExecutionStatus of(int code) {
        for (WorkflowExecutionStatus status : values()) {
            if (status.code == code) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown WorkflowExecutionStatus " + code);
    }

    /** @return true for the closed statuses, Completed (2) through TimedOut (7) */
    public boolean isClosed() {
        return code >= COMPLETED.code;
    }
}
