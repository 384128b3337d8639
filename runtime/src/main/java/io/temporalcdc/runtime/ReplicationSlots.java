package io.temporalcdc.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** How far a PostgreSQL logical replication slot is behind: one query, for cdc-source's gauges and the CLI. */
public final class ReplicationSlots {
    private ReplicationSlots() {}

    /**
     * A slot's lag.
     *
     * @param bytes WAL held for the slot: the distance from the current WAL position to its confirmed flush position
     * @param active whether a client streams from it
     * @param lagMillis the walsender's {@code flush_lag} (how long ago the position the client confirmed was written),
     *     0 when it has nothing to confirm, -1 when the slot is inactive
     */
    public record Lag(long bytes, boolean active, long lagMillis) {}

    /** @return the slot's lag, or empty when no slot has this name */
    public static Optional<Lag> lag(Connection connection, String slot) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint,"
                        + " s.active, (EXTRACT(EPOCH FROM r.flush_lag) * 1000)::bigint"
                        + " FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid"
                        + " WHERE s.slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                long bytes = Math.max(0, rs.getLong(1));
                boolean active = rs.getBoolean(2);
                long flushLag = rs.getLong(3);
                boolean noLag = rs.wasNull();
                return Optional.of(new Lag(bytes, active, !active ? -1 : noLag ? 0 : flushLag));
            }
        }
    }
}
