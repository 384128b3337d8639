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

    private static final String UNDEFINED_TABLE = "42P01";

    private final Connection connection;
    private final CapturedTables captured;

    /** Publications over the seed profile's schemas. */
    public Publications(Connection connection) {
        this(connection, CapturedTables.seed());
    }

    /** Publications over what {@code captured} names. */
    Publications(Connection connection, CapturedTables captured) {
        this.connection = connection;
        this.captured = captured;
    }

    /** The statement that creates publication {@code name} over the seed profile's schemas. */
    public static String createStatement(String name) {
        return CapturedTables.seed().publicationStatement(name);
    }

    /** Creates publication {@code name} unless it exists; returns true when this call created it. */
    public boolean ensure(String name, String database) throws SQLException {
        if (exists(name)) {
            checkCovers(name);
            LOG.info("Reusing publication {}", name);
            return false;
        }
        if (captured.publicationNeedsSuperuser() && !isSuperuser()) {
            throw new PreflightException(
                    CdcSourceConfig.PUBLICATION_NAME, missing(name, database, currentUser()), null);
        }
        try (Statement st = connection.createStatement()) {
            st.execute(captured.publicationStatement(name));
            LOG.info("Created publication {} for {}", name, captured.describe());
            return true;
        } catch (SQLException e) {
            return onCreateFailure(e, name, database);
        }
    }

    /**
     * What an operator reads when the publication is missing and cannot be made: PostgreSQL 15 lets only a superuser
     * create a publication {@code FOR TABLES IN SCHEMA}, so an administrator runs the statement once.
     */
    String missing(String name, String database, String user) {
        return "publication " + name + " does not exist in database " + database + ", and " + user
                + " may not create it: CREATE PUBLICATION ... "
                + (captured.publicationNeedsSuperuser()
                        ? "FOR TABLES IN SCHEMA needs a superuser"
                        : "FOR TABLE needs the table's owner, with CREATE on the database")
                + ". An administrator creates it once, connected to database " + database + ", with: "
                + captured.publicationStatement(name)
                + "; then start cdc-source again (it reuses an existing publication of that name)";
    }

    private boolean isSuperuser() throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private String currentUser() throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_user")) {
            return rs.next() ? "user " + rs.getString(1) : "database.user";
        }
    }

    /**
     * An existing publication must publish the one table of a single-table capture: one made for another purpose (the
     * seed profile's, of the same default name) would let the connector run and capture nothing.
     */
    private void checkCovers(String name) throws SQLException {
        if (captured.table() == null) {
            return;
        }
        String schema = captured.table().substring(0, captured.table().indexOf('.'));
        String table = captured.table().substring(schema.length() + 1);
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT 1 FROM pg_publication_tables" + " WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
            ps.setString(1, name);
            ps.setString(2, schema);
            ps.setString(3, table);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new PreflightException(
                            CdcSourceConfig.PUBLICATION_NAME,
                            "publication " + name + " exists but does not publish " + captured.table()
                                    + ": choose another publication.name, or add the table (ALTER PUBLICATION \"" + name
                                    + "\" ADD TABLE " + captured.table() + "), or check visibility.schema",
                            null);
                }
            }
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

    private boolean onCreateFailure(SQLException e, String name, String database) throws SQLException {
        if (DUPLICATE_OBJECT.equals(e.getSQLState())) {
            LOG.info("Publication {} was created concurrently; reusing it", name);
            return false;
        }
        if (UNDEFINED_SCHEMA.equals(e.getSQLState()) || UNDEFINED_TABLE.equals(e.getSQLState())) {
            throw new PreflightException(
                    CdcSourceConfig.DATABASE_DBNAME,
                    "database '" + database + "' lacks " + captured.describe() + ": apply Temporal's schema first, or"
                            + " check database.dbname"
                            + (captured.publicationNeedsSuperuser() ? "" : " and visibility.schema")
                            + " (" + e.getMessage() + ")",
                    e);
        }
        if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
            throw new PreflightException(
                    CdcSourceConfig.PUBLICATION_NAME,
                    missing(name, database, "database.user") + " (" + e.getMessage() + ")",
                    e);
        }
        throw e;
    }
}
