package io.temporalcdc.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Temporal-like writer: a few threads, one JDBC connection each, start workflows at a fixed rate
 * and play each through its transactions ({@link WorkflowScript}). Counts the rows it changed. Serves
 * the demo and, as the continuous writer, the crash tests.
 */
public final class WorkloadGenerator implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkloadGenerator.class);

    private final String jdbcUrl;
    private final double workflowsPerSecond;
    private final int threads;
    private final String runTag;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong rowsChanged = new AtomicLong();
    private final AtomicLong workflowsStarted = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final List<Thread> workers = new ArrayList<>();
    private final RecentWorkflows recentlyTouched = new RecentWorkflows(RecentWorkflows.DEFAULT_CAPACITY);
    private volatile long startNanos;

    /**
     * @param jdbcUrl the database holding both schemas (its URL carries user and password if needed)
     * @param workflowsPerSecond workflows started per second, across all threads
     * @param threads writer threads (and connections)
     */
    public WorkloadGenerator(String jdbcUrl, double workflowsPerSecond, int threads) {
        if (workflowsPerSecond <= 0 || threads < 1) {
            throw new IllegalArgumentException("rate must be > 0 and threads >= 1");
        }
        this.jdbcUrl = jdbcUrl;
        this.workflowsPerSecond = workflowsPerSecond;
        this.threads = threads;
        this.runTag = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
    }

    /** Starts the writer threads; they run until {@link #stop()}. */
    public synchronized void start() {
        if (!running.compareAndSet(false, true)) {
            return;
        }
        startNanos = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            Thread worker = new Thread(this::work, "workload-" + i);
            worker.setDaemon(true);
            workers.add(worker);
            worker.start();
        }
        LOG.info("Workload generator started: {} workflows/s on {} threads", workflowsPerSecond, threads);
    }

    /** Stops starting workflows, lets the ones in flight finish their transactions, and waits for the threads. */
    public synchronized void stop() {
        if (!running.getAndSet(false)) {
            return;
        }
        for (Thread worker : workers) {
            try {
                worker.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        workers.clear();
        LOG.info(
                "Workload generator stopped: {} workflows, {} rows changed, {} failed transactions",
                workflowsStarted.get(),
                rowsChanged.get(),
                failures.get());
    }

    public long rowsChanged() {
        return rowsChanged.get();
    }

    public long workflowsStarted() {
        return workflowsStarted.get();
    }

    /** The workflows the last committed transactions wrote to (a bounded ring, for the demo's cache readers). */
    RecentWorkflows recentlyTouched() {
        return recentlyTouched;
    }

    /** Transactions that failed (logged; the generator carries on with the next workflow). */
    public long failures() {
        return failures.get();
    }

    @Override
    public void close() {
        stop();
    }

    private void work() {
        while (running.get()) {
            try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
                connection.setAutoCommit(false);
                WorkflowScript script = new WorkflowScript(connection, rowsChanged::addAndGet, recentlyTouched::add);
                playWorkflows(script);
            } catch (SQLException e) {
                failures.incrementAndGet();
                LOG.warn("Workload connection to {} failed, reconnecting: {}", jdbcUrl, e.getMessage());
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }
    }

    private void playWorkflows(WorkflowScript script) throws SQLException {
        while (running.get()) {
            long number = workflowsStarted.getAndIncrement();
            awaitSlot(number);
            if (!running.get()) {
                return;
            }
            String workflowId = "wf-" + runTag + "-" + number;
            try {
                script.play(workflowId);
            } catch (SQLException e) {
                if (script.isBroken()) {
                    throw e;
                }
                failures.incrementAndGet();
                LOG.warn("Workflow {} failed mid-way, carrying on: {}", workflowId, e.getMessage());
            }
        }
    }

    /** Rate limit: workflow n may start at startNanos + n / rate. */
    private void awaitSlot(long number) {
        long due = startNanos + (long) (number * 1_000_000_000L / workflowsPerSecond);
        long wait;
        while (running.get() && (wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(200)));
        }
    }
}
