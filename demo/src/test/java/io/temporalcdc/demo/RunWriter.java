package io.temporalcdc.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.awaitility.Awaitility;

/**
 * A steady writer of visibility rows for the end-to-end tests: inserts a run of {@code namespace} every 20 ms and
 * closes the one before, until closed; with {@code withCustomer} true at the time of an insert, the run carries a
 * {@code customer_id} (the column the seed's migration adds).
 */
final class RunWriter implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger written = new AtomicInteger();
    private final Thread thread;

    RunWriter(String jdbcUrl, String namespace, BooleanSupplier withCustomer) {
        this.thread = Thread.ofPlatform().name("run-writer").start(() -> write(jdbcUrl, namespace, withCustomer));
    }

    /** The runs inserted so far. */
    int written() {
        return written.get();
    }

    /** Waits until {@code more} runs were inserted after now. */
    void awaitMore(int more) {
        int from = written.get();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> written.get() >= from + more);
    }

    private void write(String jdbcUrl, String namespace, BooleanSupplier withCustomer) {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement close = connection.prepareStatement(
                        "UPDATE temporal_visibility.executions SET status = 2, close_time = '2026-03-04 05:07:00'"
                                + " WHERE namespace_id = ? AND run_id = ?")) {
            while (running.get()) {
                int n = written.get();
                boolean customer = withCustomer.getAsBoolean();
                try (PreparedStatement insert = connection.prepareStatement(
                        "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                                + " workflow_id, workflow_type_name, status, task_queue"
                                + (customer ? ", customer_id" : "") + ") VALUES (?, ?, '2026-03-04 05:06:07',"
                                + " '2026-03-04 05:06:08', ?, 'Steady', 1, 'q'" + (customer ? ", ?" : "") + ")")) {
                    insert.setString(1, namespace);
                    insert.setString(2, "run-" + n);
                    insert.setString(3, "wf-" + n);
                    if (customer) {
                        insert.setString(4, "cust-" + (n % 7));
                    }
                    insert.executeUpdate();
                }
                written.incrementAndGet();
                if (n > 0) {
                    close.setString(1, namespace);
                    close.setString(2, "run-" + (n - 1));
                    close.executeUpdate();
                }
                Thread.sleep(20);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops writing and waits for the last statement. */
    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join();
    }
}
