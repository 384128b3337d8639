package io.temporalcdc.cdcsource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.ReplicationSlots;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the replication slot from the database's side, every {@code interval}, on a connection of its own:
 *
 * <ul>
 *   <li>{@code cdc_source_slot_lag_bytes}: WAL between the server's current position and the slot's {@code
 *       confirmed_flush_lsn}, i.e. WAL the slot holds back;
 *   <li>{@code cdc_source_slot_lag_seconds}: the walsender's {@code flush_lag} (how long ago the position the
 *       connector last confirmed was written), 0 when it is caught up, -1 when no walsender serves the slot;
 *   <li>{@code cdc_source_slot_active}: 1 while a walsender serves the slot;
 *   <li>{@code cdc_source_slot_lag_alert}: 1 while the lag exceeds {@code slot.lag.alert.bytes} (the seed's 1 MB);
 *       crossing the threshold is logged once, as is the return under it.
 * </ul>
 *
 * A failed poll is logged and retried on the next tick (the metrics keep their last values); it never stops the app.
 */
final class SlotMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotMonitor.class);

    private final String slot;
    private final long alertBytes;
    private final Duration interval;
    private final Supplier<Connection> connect;
    private final AtomicLong lagBytes = new AtomicLong();
    private final AtomicLong lagMillis = new AtomicLong(-1);
    private final AtomicLong active = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private boolean alerting;
    private Connection connection;

    SlotMonitor(String slot, long alertBytes, Duration interval, Supplier<Connection> connect, MeterRegistry meters) {
        this.slot = slot;
        this.alertBytes = alertBytes;
        this.interval = interval;
        this.connect = connect;
        Gauge.builder("cdc.source.slot.lag.bytes", lagBytes, AtomicLong::get)
                .description("WAL the replication slot holds back: current WAL position - confirmed_flush_lsn")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("cdc.source.slot.lag.seconds", lagMillis, v -> v.get() < 0 ? -1 : v.get() / 1000.0)
                .description("The walsender's flush_lag for the slot; -1 while no walsender serves it")
                .register(meters);
        Gauge.builder("cdc.source.slot.active", active, AtomicLong::get)
                .description("1 while a walsender serves the replication slot")
                .register(meters);
        Gauge.builder("cdc.source.slot.lag.alert", this, m -> m.alertingNow() ? 1 : 0)
                .description("1 while the slot's lag exceeds slot.lag.alert.bytes")
                .register(meters);
        this.thread =
                Thread.ofPlatform().daemon().name("cdc-source-slot-monitor").unstarted(this::run);
    }

    /** Starts polling. */
    SlotMonitor start() {
        thread.start();
        return this;
    }

    long lagBytes() {
        return lagBytes.get();
    }

    private synchronized boolean alertingNow() {
        return alerting;
    }

    private void run() {
        try {
            loop();
        } finally {
            // only this thread touches the connection
            closeConnection();
        }
    }

    private void loop() {
        while (!closed) {
            try {
                poll();
            } catch (SQLException | RuntimeException e) {
                LOG.warn("Could not read the state of replication slot {}: {}", slot, e.getMessage());
                closeConnection();
            }
            try {
                Thread.sleep(interval);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void poll() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = connect.get();
        }
        java.util.Optional<ReplicationSlots.Lag> lag = ReplicationSlots.lag(connection, slot);
        if (lag.isEmpty()) {
            LOG.warn("Replication slot {} does not exist (yet)", slot);
            active.set(0);
            lagMillis.set(-1);
            return;
        }
        lagBytes.set(lag.get().bytes());
        active.set(lag.get().active() ? 1 : 0);
        lagMillis.set(lag.get().lagMillis());
        alert(lag.get().bytes());
    }

    private synchronized void alert(long bytes) {
        if (bytes > alertBytes && !alerting) {
            alerting = true;
            LOG.warn(
                    "Replication slot {} holds {} bytes of WAL, more than slot.lag.alert.bytes={}: cdc-source is"
                            + " behind, or cannot deliver",
                    slot,
                    bytes,
                    alertBytes);
        } else if (bytes <= alertBytes && alerting) {
            alerting = false;
            LOG.info("Replication slot {} is back under slot.lag.alert.bytes ({} bytes)", slot, bytes);
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // already broken
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
        try {
            thread.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
