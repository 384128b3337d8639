package io.temporalcdc.runtime;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
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

    /**
     * Another consumer of this database's WAL: the slot of a logical replication subscription (the seed's
     * cross-region secondary), or of any other logical client.
     *
     * @param slot the slot's name (a subscription's is the subscription's name unless it was set)
     * @param bytes WAL held for it: the current WAL position - its confirmed flush position
     * @param active whether a client streams from it
     * @param replayLagMillis the walsender's {@code replay_lag} (how long ago the position the subscriber last
     *     applied was written), 0 when it has nothing to apply, -1 when the slot is inactive
     */
    public record Subscriber(String slot, long bytes, boolean active, long replayLagMillis) {}

    /** @return the logical slots of the connection's database other than {@code ownSlot}, by name */
    public static List<Subscriber> others(Connection connection, String ownSlot) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT s.slot_name, pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint,"
                        + " s.active, (EXTRACT(EPOCH FROM r.replay_lag) * 1000)::bigint"
                        + " FROM pg_replication_slots s LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid"
                        + " WHERE s.database = current_database() AND s.slot_type = 'logical' AND s.slot_name <> ?"
                        + " ORDER BY s.slot_name")) {
            ps.setString(1, ownSlot);
            List<Subscriber> subscribers = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long bytes = Math.max(0, rs.getLong(2));
                    boolean active = rs.getBoolean(3);
                    long replayLag = rs.getLong(4);
                    boolean noLag = rs.wasNull();
                    subscribers.add(
                            new Subscriber(rs.getString(1), bytes, active, !active ? -1 : noLag ? 0 : replayLag));
                }
            }
            return subscribers;
        }
    }
}
