package io.temporalcdc.invalidator.reader;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporalcdc.schemas.ConflictVersion;
import io.temporalcdc.schemas.RedisKeys;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * The cache-aside reader of the fence protocol, for services that read Temporal's data through the seed's Redis
 * caches while the cache invalidator runs:
 *
 * <ol>
 *   <li>{@link #get} the key; on a hit, use it.
 *   <li>On a miss, read the database: first {@link #readVersion} (the position the server had applied), in its own
 *       statement, then the data query, in the same connection and transaction, under READ COMMITTED (the default;
 *       each statement then sees at least what the earlier one did; under REPEATABLE READ the snapshot is taken by
 *       the first statement, so the version would be read after the snapshot and could overstate it).
 *   <li>{@link #fill} the key with the value and that version: Redis stores it only if the version is at least the
 *       key's fence, which the invalidator raised to the primary's WAL position after the change committed. A
 *       reader that raced an invalidation, or read a replica that had not yet applied the change, is refused, and
 *       its value is simply not cached.
 * </ol>
 *
 * Thread-safe as far as the connection is (Lettuce connections are).
 */
public final class CacheAside {
    private static final String VERSION_QUERY = "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
            + " ELSE pg_current_wal_lsn() END::text";

    private final StatefulRedisConnection<String, String> redis;

    /** @param redis a connection to the Redis primary (or a Sentinel-aware master connection) */
    public CacheAside(StatefulRedisConnection<String, String> redis) {
        this.redis = Objects.requireNonNull(redis, "redis");
    }

    /** @return the cached value of {@code key}, if any */
    public Optional<String> get(String key) {
        return Optional.ofNullable(redis.sync().get(key));
    }

    /**
     * Stores {@code value} under {@code key} for the TTL of its family ({@code wf_meta:} 600 s, {@code tq_info:} 300 s),
     * unless the key was invalidated at a position newer than {@code version}.
     *
     * @param version what {@link #readVersion} returned before the value was read
     * @return whether the value was stored
     * @throws IllegalArgumentException when {@code key} belongs to no family of the seed (pass a TTL then)
     */
    public boolean fill(String key, String value, long version) {
        Duration ttl = RedisKeys.ttlOf(key)
                .orElseThrow(() -> new IllegalArgumentException(
                        key + " belongs to no key family of the seed: use fill(key, value, version, ttl)"));
        return fill(key, value, version, ttl);
    }

    /**
     * Stores {@code value} under {@code key} for {@code ttl}, unless the key was invalidated at a position newer
     * than {@code version}.
     *
     * @param version what {@link #readVersion} returned before the value was read
     * @return whether the value was stored
     */
    public boolean fill(String key, String value, long version, Duration ttl) {
        Objects.requireNonNull(value, "value");
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive: " + ttl);
        }
        return run(
                key,
                new String[] {key, CacheScripts.fenceKey(key)},
                value,
                Lsn.hex(version),
                Long.toString(ttl.toMillis()));
    }

    /**
     * With several regions: stores {@code value}, read from run {@code runId} (trailing blanks of the CHAR column
     * ignored) whose {@code temporal.executions} row had {@code conflictVersion} (its {@code last_write_version} and
     * {@code db_record_version} as read, and the region read), for the TTL of the key's family, unless the key was
     * invalidated at a position newer than {@code version} or a region wrote a higher {@code last_write_version} /
     * {@code db_record_version} of that run (the value is a losing region's state; a copy of the winning state, equal
     * numbers from another region, fills).
     *
     * @return whether the value was stored
     */
    public boolean fill(String key, String value, long version, String runId, ConflictVersion conflictVersion) {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(conflictVersion, "conflictVersion");
        Duration ttl = RedisKeys.ttlOf(key)
                .orElseThrow(() -> new IllegalArgumentException(key + " belongs to no key family of the seed"));
        return run(
                key,
                new String[] {key, CacheScripts.fenceKey(key), CacheScripts.winnerKey(key)},
                value,
                Lsn.hex(version),
                Long.toString(ttl.toMillis()),
                // as the invalidator names runs: without the blank padding of the CHAR(64) column
                runId.stripTrailing(),
                conflictVersion.text());
    }

    private boolean run(String key, String[] keys, String... args) {
        try {
            Long stored = CacheScripts.FILL
                    .<Long>run(redis.async(), ScriptOutputType.INTEGER, keys, args)
                    .get();
            return stored != null && stored == 1L;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while filling " + key, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "fill of " + key + " failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * The version of what the next statement on {@code connection} reads: {@code pg_last_wal_replay_lsn()} on a
     * replica, {@code pg_current_wal_lsn()} on the primary. Call it before the data query, in its own statement.
     *
     * @return the position; 0 when a replica has not replayed anything yet (a fenced key then refuses the value)
     */
    public static long readVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(VERSION_QUERY)) {
            rs.next();
            String lsn = rs.getString(1);
            return lsn == null ? 0 : Lsn.parse(lsn);
        }
    }
}
