package io.temporalcdc.cdcsource;

import io.temporalcdc.runtime.PreflightException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the publication over Temporal's schemas when it is missing and reuses it when present.
 * Safe when two instances start together: the loser of the race sees {@code duplicate_object} (42710).
 */
public final class Publications {

    private static final Logger LOG = LoggerFactory.getLogger(Publications.class);
    private static final String DUPLICATE_OBJECT = "42710";
    private static final String UNDEFINED_SCHEMA = "3F000";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final Connection connection;

    public Publications(Connection connection) {
        this.connection = connection;
    }

    /** The statement that creates publication {@code name} (an identifier validated by the config). */
    public static String createStatement(String name) {
        return "CREATE PUBLICATION \"" + name + "\" FOR TABLES IN SCHEMA temporal, temporal_visibility"
                + " WITH (publish_via_partition_root = true)";
    }

    /** Creates publication {@code name} unless it exists; returns true when this call created it. */
    public boolean ensure(String name, String database) throws SQLException {
        if (exists(name)) {
            LOG.info("Reusing publication {}", name);
            return false;
        }
        try (Statement st = connection.createStatement()) {
            st.execute(createStatement(name));
            LOG.info("Created publication {} for the schemas temporal and temporal_visibility", name);
            return true;
        } catch (SQLException e) {
            return onCreateFailure(e, name, database);
        }
    }

    /** Whether publication {@code name} exists. */
    public boolean exists(String name) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean onCreateFailure(SQLException e, String name, String database) throws SQLException {
        if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
            LOG.info("Publication {} was created concurrently; reusing it", name);
            return false;
        }
        if (UNDEFINED_SCHEMA.equals(e.getSQLState())) {
            throw new PreflightException(
                    CdcSourceConfig.DATABASE_DBNAME,
                    "database '" + database
                            + "' lacks the schemas temporal and temporal_visibility: apply Temporal's schema first ("
                            + e.getMessage() + ")",
                    e);
        }
        if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
            throw new PreflightException(
                    CdcSourceConfig.PUBLICATION_NAME,
                    "database.user may not create publication " + name + ": create it as an owner with: "
                            + createStatement(name),
                    e);
        }
        throw e;
    }
}
