package io.temporalcdc.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.List;
import java.util.function.Consumer;

/**
 * Plays one workflow through its transactions, as Temporal would: start, one to three progress steps,
 * close with any closing status. A continued-as-new close starts the next run in the same transaction
 * (current_executions now points at it) and that run plays on; now and then a closed workflow is deleted.
 */
final class WorkflowScript {

    /** Temporal's closing statuses: Completed, Failed, Canceled, Terminated, ContinuedAsNew, TimedOut. */
    static final List<Integer> CLOSING_STATUSES = List.of(2, 3, 4, 5, 6, 7);

    private static final int CONTINUED_AS_NEW = 6;
    private static final int MAX_RUNS = 3;

    private final Connection connection;
    private final Counter rowsChanged;
    private final Consumer<TouchedWorkflow> touched;

    /** @param touched receives the workflow of each committed transaction, after the commit */
    WorkflowScript(Connection connection, Counter rowsChanged, Consumer<TouchedWorkflow> touched) {
        this.connection = connection;
        this.rowsChanged = rowsChanged;
        this.touched = touched;
    }

    /** Receives the number of rows each committed transaction changed. */
    @FunctionalInterface
    interface Counter {
        void add(long rows);
    }

    void play(String workflowId) throws SQLException {
        WorkflowRun run = firstRun(workflowId);
        inTransaction(
                run,
                c -> TemporalWrites.start(c, run, WorkloadData.memo(workflowId), WorkloadData.searchAttributes(0)));
        WorkflowRun current = run;
        for (int runNumber = 1; current != null; runNumber++) {
            current = playRun(current, runNumber);
        }
    }

    /** Plays progress and close of a started run; returns the next run when it continued as new. */
    private WorkflowRun playRun(WorkflowRun run, int runNumber) throws SQLException {
        int steps = 1 + WorkloadData.random().nextInt(3);
        long history = 2;
        for (int step = 1; step <= steps; step++) {
            history += 3 + WorkloadData.random().nextInt(6);
            long length = history;
            int stepNumber = step;
            String attributes = WorkloadData.random().nextInt(3) == 0 ? WorkloadData.searchAttributesJson(step) : null;
            inTransaction(run, c -> TemporalWrites.progress(c, run, stepNumber, length, attributes));
        }
        int status = closingStatus(runNumber);
        long finalLength = history + 2;
        LocalDateTime closeTime = closeTime(run);
        if (status != CONTINUED_AS_NEW) {
            inTransaction(run, c -> TemporalWrites.close(c, run, status, finalLength, closeTime));
            maybeDelete(run);
            return null;
        }
        WorkflowRun next = run.continuedAs(WorkloadData.newRunId(), closeTime);
        inTransaction(
                next,
                c -> TemporalWrites.close(c, run, status, finalLength, closeTime)
                        + TemporalWrites.start(
                                c, next, WorkloadData.memo(run.workflowId()), WorkloadData.searchAttributes(0)));
        return next;
    }

    private void maybeDelete(WorkflowRun run) throws SQLException {
        if (WorkloadData.random().nextInt(20) == 0) {
            inTransaction(run, c -> TemporalWrites.delete(c, run));
        }
    }

    private static int closingStatus(int runNumber) {
        List<Integer> choices = runNumber < MAX_RUNS ? CLOSING_STATUSES : CLOSING_STATUSES.subList(0, 4);
        return WorkloadData.pick(choices);
    }

    /** Never before the execution time, so that a delayed start still has a non-negative duration. */
    private static LocalDateTime closeTime(WorkflowRun run) {
        LocalDateTime now = Clock.nowUtc();
        return now.isAfter(run.executionTime())
                ? now
                : run.executionTime()
                        .plusNanos(1_000 * (1 + WorkloadData.random().nextInt(999)));
    }

    private static WorkflowRun firstRun(String workflowId) {
        LocalDateTime start = Clock.nowUtc();
        boolean delayed = WorkloadData.random().nextInt(5) == 0;
        LocalDateTime execution =
                delayed ? start.plusSeconds(1 + WorkloadData.random().nextInt(30)) : start;
        return new WorkflowRun(
                1 + Math.floorMod(workflowId.hashCode(), 16),
                WorkloadData.pick(WorkloadData.NAMESPACES),
                workflowId,
                WorkloadData.newRunId(),
                WorkloadData.pick(WorkloadData.WORKFLOW_TYPES),
                WorkloadData.pick(WorkloadData.TASK_QUEUES),
                start,
                execution);
    }

    /** True when the connection is unusable and the caller should open a new one. */
    boolean isBroken() {
        try {
            return connection.isClosed() || !connection.isValid(2);
        } catch (SQLException e) {
            return true;
        }
    }

    private void inTransaction(WorkflowRun run, Transaction transaction) throws SQLException {
        try {
            int rows = transaction.run(connection);
            connection.commit();
            rowsChanged.add(rows);
            touched.accept(TouchedWorkflow.of(run));
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
    }

    private void rollbackQuietly() {
        try {
            connection.rollback();
        } catch (SQLException ignored) {
            // the connection is gone; isBroken() tells the caller to reconnect
        }
    }

    @FunctionalInterface
    private interface Transaction {
        int run(Connection connection) throws SQLException;
    }
}
