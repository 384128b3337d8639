package io.temporalcdc.cdcsource;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
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
 * and every other logical slot of the database, the seed's cross-region subscription's among them (tag {@code
 * slot}): {@code cdc_source_subscription_lag_bytes} (WAL held for it), {@code cdc_source_subscription_lag_seconds}
 * (its walsender's {@code replay_lag}, -1 while inactive), {@code cdc_source_subscription_active}; untagged, {@code
 * cdc_source_subscription_max_lag_bytes} (0 when there is none) and {@code cdc_source_subscription_lag_alert} (1
 * while one of them holds more than {@code slot.lag.alert.bytes}), logged like the slot's own alert.
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
    private final AtomicLong subscriberMaxBytes = new AtomicLong();
    private final MultiGauge subscriberBytes;
    private final MultiGauge subscriberSeconds;
    private final MultiGauge subscriberActive;
    private final java.util.Set<String> subscribersAlerting = new java.util.TreeSet<>();
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
        subscriberBytes = MultiGauge.builder("cdc.source.subscription.lag.bytes")
                .description("WAL held for another logical slot of the database (a subscription's): current WAL"
                        + " position - its confirmed_flush_lsn")
                .baseUnit("bytes")
                .register(meters);
        subscriberSeconds = MultiGauge.builder("cdc.source.subscription.lag.seconds")
                .description("replay_lag of the walsender serving another logical slot; -1 while inactive")
                .register(meters);
        subscriberActive = MultiGauge.builder("cdc.source.subscription.active")
                .description("1 while a client streams from another logical slot of the database")
                .register(meters);
        Gauge.builder("cdc.source.subscription.max.lag.bytes", subscriberMaxBytes, AtomicLong::get)
                .description("The most WAL any other logical slot of the database holds; 0 when there is none")
                .baseUnit("bytes")
                .register(meters);
        Gauge.builder("cdc.source.subscription.lag.alert", this, m -> m.subscribersAlertingNow() ? 1 : 0)
                .description("1 while another logical slot holds more than slot.lag.alert.bytes")
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

    private synchronized boolean subscribersAlertingNow() {
        return !subscribersAlerting.isEmpty();
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
        subscribers(ReplicationSlots.others(connection, slot));
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

    private void subscribers(java.util.List<ReplicationSlots.Subscriber> subscribers) {
        subscriberBytes.register(
                subscribers.stream()
                        .map(s -> MultiGauge.Row.of(Tags.of("slot", s.slot()), s.bytes()))
                        .toList(),
                true);
        subscriberSeconds.register(
                subscribers.stream()
                        .map(s -> MultiGauge.Row.of(
                                Tags.of("slot", s.slot()), s.replayLagMillis() < 0 ? -1 : s.replayLagMillis() / 1000.0))
                        .toList(),
                true);
        subscriberActive.register(
                subscribers.stream()
                        .map(s -> MultiGauge.Row.of(Tags.of("slot", s.slot()), s.active() ? 1 : 0))
                        .toList(),
                true);
        subscriberMaxBytes.set(subscribers.stream()
                .mapToLong(ReplicationSlots.Subscriber::bytes)
                .max()
                .orElse(0));
        synchronized (this) {
            java.util.Set<String> present = new java.util.TreeSet<>();
            for (ReplicationSlots.Subscriber subscriber : subscribers) {
                present.add(subscriber.slot());
                if (subscriber.bytes() > alertBytes && subscribersAlerting.add(subscriber.slot())) {
                    LOG.warn(
                            "Replication slot {} (a subscription to this database) holds {} bytes of WAL, more than"
                                    + " slot.lag.alert.bytes={}: the subscriber is behind or disconnected",
                            subscriber.slot(),
                            subscriber.bytes(),
                            alertBytes);
                } else if (subscriber.bytes() <= alertBytes && subscribersAlerting.remove(subscriber.slot())) {
                    LOG.info(
                            "Replication slot {} is back under slot.lag.alert.bytes ({} bytes)",
                            subscriber.slot(),
                            subscriber.bytes());
                }
            }
            subscribersAlerting.retainAll(present);
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
