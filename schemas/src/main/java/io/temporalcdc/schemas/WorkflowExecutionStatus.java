package io.temporalcdc.schemas;

/**
 * Temporal's {@code temporal.api.enums.v1.WorkflowExecutionStatus} numbering, as stored in
 * {@code temporal_visibility.executions.status} and indexed as {@code ExecutionStatus}. The seed's SQL numbers
 * statuses differently in places; this project follows Temporal (see schemas/README.md).
 */
public enum WorkflowExecutionStatus {
    /** 0: not set. */
    UNSPECIFIED(0, "Unspecified"),
    /** 1: open. */
    RUNNING(1, "Running"),
    /** 2: closed successfully. */
    COMPLETED(2, "Completed"),
    /** 3: closed with a failure. */
    FAILED(3, "Failed"),
    /** 4: closed by cancellation. */
    CANCELED(4, "Canceled"),
    /** 5: closed by termination. */
    TERMINATED(5, "Terminated"),
    /** 6: closed, a new run continues it. */
    CONTINUED_AS_NEW(6, "ContinuedAsNew"),
    /** 7: closed by a time-out. */
    TIMED_OUT(7, "TimedOut"),
    /** 8: open, paused by an operator (Temporal 1.28 and later). */
    PAUSED(8, "Paused");

    private final int code;
    private final String apiName;

    WorkflowExecutionStatus(int code, String apiName) {
        this.code = code;
        this.apiName = apiName;
    }

    /**
     * @return the name Temporal's API gives the status ({@code WorkflowExecutionStatus.String()} in
     *     go.temporal.io/api), e.g. {@code ContinuedAsNew}: what Temporal's Elasticsearch visibility stores in {@code
     *     ExecutionStatus}
     */
    public String apiName() {
        return apiName;
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
        return code >= COMPLETED.code && code <= TIMED_OUT.code;
    }
}
