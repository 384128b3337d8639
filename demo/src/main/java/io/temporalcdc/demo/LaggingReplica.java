package io.temporalcdc.demo;

import io.temporalcdc.testsupport.OwnServers;
import io.temporalcdc.testsupport.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hot standby of the demo's PostgreSQL (pg_basebackup, streaming replication), the seed's read replica, that lags
 * on purpose while the workload runs: its replay is paused for {@link #PAUSE} every {@link #PERIOD}, as a replica
 * behind a busy primary falls behind. One of the cache readers reads it, so the invalidation of a change often lands
 * before the replica applied it: the race the fences close.
 */
final class LaggingReplica implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LaggingReplica.class);
    static final Duration PAUSE = Duration.ofMillis(1_500);
    static final Duration PERIOD = Duration.ofSeconds(4);

    private final OwnServers servers;
    private final AtomicBoolean lagging = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong pauses = new AtomicLong();
    private Thread thread;

    private LaggingReplica(OwnServers servers) {
        this.servers = servers;
    }

    /** Starts a replica of {@code primary} in a run dir under {@code base} (start it once the schema exists). */
    static LaggingReplica start(Postgres primary, Path base) {
        return new LaggingReplica(OwnServers.replicaOf(primary, base));
    }

    /** @return the replica's JDBC URL (read-only) */
    String jdbcUrl() {
        return servers.postgres().jdbcUrl();
    }

    /** @return how often replay was paused so far */
    long pauses() {
        return pauses.get();
    }

    /** Pauses replay now and then until {@link #stopLagging()}. */
    synchronized void startLagging() {
        if (lagging.compareAndSet(false, true)) {
            thread = Thread.ofPlatform().name("replica-lag").daemon().start(this::lag);
        }
    }

    /** Stops pausing and resumes replay, so the replica catches up. */
    synchronized void stopLagging() {
        if (!lagging.getAndSet(false)) {
            return;
        }
        try {
            LockSupport.unpark(thread);
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.info("Replica lag stopped: replay was paused {} times for {} ms", pauses.get(), PAUSE.toMillis());
    }

    private void lag() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl());
                Statement statement = connection.createStatement()) {
            while (lagging.get()) {
                LockSupport.parkNanos(PERIOD.minus(PAUSE).toNanos());
                if (!lagging.get()) {
                    break;
                }
                statement.execute("SELECT pg_wal_replay_pause()");
                pauses.incrementAndGet();
                LockSupport.parkNanos(PAUSE.toNanos());
                statement.execute("SELECT pg_wal_replay_resume()");
            }
        } catch (SQLException e) {
            LOG.warn("Replica lag stopped: {}", e.toString());
        } finally {
            resume();
        }
    }

    /** Resumes replay on a connection of its own (the lag's may be what failed); never leaves the replica paused. */
    private void resume() {
        try (Connection connection = DriverManager.getConnection(jdbcUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_wal_replay_resume()");
        } catch (SQLException e) {
            LOG.warn("Could not resume the replica's replay: {}", e.toString());
        }
    }

    /** Stops the lag and the replica; safe to call twice. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopLagging();
        servers.close();
    }
}
