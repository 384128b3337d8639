package io.temporalcdc.cdcsource;

import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.PreflightException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before the engine starts and within seconds, that PostgreSQL can serve logical decoding to
 * this app: reachable, credentials accepted, {@code wal_level=logical}, the user may replicate; then
 * makes sure the publication exists. Every failure is a {@link PreflightException} naming the setting.
 */
public final class PostgresPreflight {

    private static final Logger LOG = LoggerFactory.getLogger(PostgresPreflight.class);
    static final int CONNECT_TIMEOUT_SECONDS = 5;
    static final int LOGIN_TIMEOUT_SECONDS = 8;

    private final CdcSourceConfig config;

    public PostgresPreflight(CdcSourceConfig config) {
        this.config = config;
    }

    /**
     * The tables of the captured schemas ({@code schema.table}).
     *
     * @param tables the tables and partitioned tables that are not partitions: each has a change topic
     * @param partitions the partitions of partitioned tables: their changes are published under their root table,
     *     so the snapshot must skip them
     */
    public record Catalog(List<String> tables, List<String> partitions) {}

    /** Runs every check and ensures the publication; throws {@link PreflightException} on the first failure. */
    public Catalog run() {
        try (Connection connection = connect()) {
            checkWalLevel(connection);
            checkReplicationRole(connection);
            warnAboutUnboundedWalRetention(connection);
            new Publications(connection, config.captured()).ensure(config.publicationName(), config.databaseName());
            ensureSignalTable(connection);
            checkReadable(connection);
            return new Catalog(
                    tables(connection, config.captured(), false), tables(connection, config.captured(), true));
        } catch (SQLException e) {
            throw ConnectionFailures.classify(e, config);
        }
    }

    private static List<String> tables(Connection connection, CapturedTables captured, boolean partitions)
            throws SQLException {
        final List<String> tables = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                + " WHERE " + (partitions ? "" : "NOT ")
                                + "c.relispartition AND c.relkind IN ('r', 'p')"
                                + " AND " + captured.catalogFilter() + " ORDER BY 1")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private Connection connect() throws SQLException {
        final Properties props = jdbcProperties(config);
        final Connection connection = new Driver().connect(config.jdbcUrl(), props);
        if (connection == null) {
            throw new SQLException("the PostgreSQL driver does not accept " + config.jdbcUrl());
        }
        LOG.info(
                "Connected to PostgreSQL at {}:{}/{} as {}",
                config.databaseHostname(),
                config.databasePort(),
                config.databaseName(),
                config.databaseUser());
        return connection;
    }

    /**
     * The JDBC properties of the check connection: credentials, short timeouts, and the TLS settings
     * the engine gets ({@code debezium.database.ssl*} → {@code ssl*}), so both connect the same way.
     */
    static Properties jdbcProperties(CdcSourceConfig config) {
        final Properties props = new Properties();
        props.setProperty("user", config.databaseUser());
        props.setProperty("password", config.databasePassword());
        props.setProperty("connectTimeout", Integer.toString(CONNECT_TIMEOUT_SECONDS));
        props.setProperty("loginTimeout", Integer.toString(LOGIN_TIMEOUT_SECONDS));
        props.setProperty("socketTimeout", "30");
        props.setProperty("ApplicationName", "cdc-source-preflight");
        config.debeziumOverrides().forEach((key, value) -> {
            if (key.startsWith("database.ssl") && value != null) {
                props.setProperty(key.substring("database.".length()), value.toString());
            }
        });
        return props;
    }

    private static void checkWalLevel(Connection connection) throws SQLException {
        final String walLevel = queryString(connection, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            throw new PreflightException(
                    "wal_level",
                    "PostgreSQL runs with wal_level=" + walLevel
                            + "; logical decoding needs wal_level=logical (set it in postgresql.conf and restart the server)",
                    null);
        }
    }

    private void checkReplicationRole(Connection connection) throws SQLException {
        final String mayReplicate = queryString(
                connection, "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
        if (!"true".equals(mayReplicate)) {
            throw new PreflightException(
                    CdcSourceConfig.DATABASE_USER,
                    "user '" + config.databaseUser() + "' may not use logical replication: ALTER ROLE "
                            + config.databaseUser() + " REPLICATION",
                    null);
        }
    }

    /**
     * A slot that stops advancing (cdc-source down, or unable to deliver) makes PostgreSQL keep every WAL segment from
     * its position on; with {@code max_slot_wal_keep_size = -1} (the default) that is without bound, until the disk
     * is full and the primary stops.
     */
    private static void warnAboutUnboundedWalRetention(Connection connection) throws SQLException {
        final String keep = queryString(connection, "SHOW max_slot_wal_keep_size");
        if ("-1".equals(keep)) {
            LOG.warn("max_slot_wal_keep_size is -1: a replication slot that stops advancing (cdc-source stopped or"
                    + " unable to deliver) makes PostgreSQL keep WAL without bound, until its disk is full. Set it"
                    + " (e.g. ALTER SYSTEM SET max_slot_wal_keep_size = '20GB'; SELECT pg_reload_conf();) to a size"
                    + " the disk holds: past it the slot is invalidated and cdc-source must re-snapshot instead.");
        } else {
            LOG.info("max_slot_wal_keep_size = {}: the slot keeps at most that much WAL", keep);
        }
    }

    /** The statement that creates the signaling table {@code table}. */
    static String signalTableStatement(String table) {
        return "CREATE TABLE IF NOT EXISTS " + table
                + " (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048) NULL)";
    }

    /**
     * Creates Debezium's signaling table when missing; the user must be able to insert into it, since an incremental
     * snapshot writes its window watermarks there.
     */
    private void ensureSignalTable(Connection connection) throws SQLException {
        final String table = config.signalTable();
        if (table.isEmpty()) {
            return;
        }
        final String user = config.databaseUser();
        final String grant = "GRANT SELECT, INSERT ON " + table + " TO " + user;
        final String[] parts = table.split("\\.");
        // from the catalog, by oid: a name lookup would need USAGE on the schema, which the user may lack
        final String catalog = "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '"
                + parts[0] + "' AND c.relname = '" + parts[1] + "'";
        if (queryString(connection, "SELECT c.oid::text " + catalog) == null) {
            try (Statement st = connection.createStatement()) {
                st.execute(signalTableStatement(table));
                LOG.info("Created the signaling table {} (incremental snapshots on request)", table);
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
                throw new PreflightException(
                        CdcSourceConfig.SIGNAL_TABLE,
                        "the signaling table " + table + " does not exist and user '" + user
                                + "' may not create it. An administrator runs: " + signalTableStatement(table) + "; "
                                + grant + " (or set signal.table= to run without incremental snapshots)",
                        e);
            }
        }
        if (!"true".equals(queryString(connection, "SELECT has_table_privilege(c.oid, 'INSERT')::text " + catalog))) {
            throw new PreflightException(
                    CdcSourceConfig.SIGNAL_TABLE,
                    "user '" + user + "' may not insert into the signaling table " + table
                            + " (an incremental snapshot writes its watermarks there). An administrator runs: " + grant,
                    null);
        }
    }

    /** The initial (and incremental) snapshots read every captured table: the user needs SELECT on each. */
    private void checkReadable(Connection connection) throws SQLException {
        final List<String> unreadable = new ArrayList<>();
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery("SELECT n.nspname || '.' || c.relname FROM pg_class c"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE c.relkind IN ('r', 'p') AND "
                        + config.captured().catalogFilter()
                        + " AND NOT (has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))"
                        + " ORDER BY 1")) {
            while (rs.next()) {
                unreadable.add(rs.getString(1));
            }
        }
        if (!unreadable.isEmpty()) {
            final String user = config.databaseUser();
            throw new PreflightException(
                    CdcSourceConfig.DATABASE_USER,
                    "user '" + user + "' cannot read " + unreadable.size() + " captured table(s) ("
                            + String.join(", ", unreadable.subList(0, Math.min(5, unreadable.size())))
                            + (unreadable.size() > 5 ? ", ..." : "") + "), which the snapshot reads. An administrator"
                            + " runs: " + config.captured().grants(user),
                    null);
        }
    }

    /** A JDBC connection to the captured database, as the checks make it (the slot monitor's). */
    static Connection open(CdcSourceConfig config) {
        try {
            final Connection connection = new Driver().connect(config.jdbcUrl(), jdbcProperties(config));
            if (connection == null) {
                throw new SQLException("the PostgreSQL driver does not accept " + config.jdbcUrl());
            }
            return connection;
        } catch (SQLException e) {
            throw new CdcSourceException(
                    "cannot connect to PostgreSQL at " + config.jdbcUrl() + ": " + e.getMessage(), e);
        }
    }

    private static String queryString(Connection connection, String sql) throws SQLException {
        try (Statement st = connection.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** Maps a failure to connect or log in to the setting an operator has to fix. */
    static final class ConnectionFailures {

        private ConnectionFailures() {}

        static PreflightException classify(SQLException e, CdcSourceConfig config) {
            final String state = e.getSQLState() == null ? "" : e.getSQLState();
            final String where = config.databaseHostname() + ":" + config.databasePort();
            return switch (state) {
                case "28P01" ->
                    new PreflightException(
                            CdcSourceConfig.DATABASE_PASSWORD,
                            "PostgreSQL at " + where
                                    + " rejected the password of user '" + config.databaseUser()
                                    + "' (check database.user and database.password): "
                                    + e.getMessage(),
                            e);
                case "28000" ->
                    new PreflightException(
                            CdcSourceConfig.DATABASE_USER,
                            "PostgreSQL at " + where + " refused user '" + config.databaseUser()
                                    + "' (check database.user and database.password): " + e.getMessage(),
                            e);
                case "3D000" ->
                    new PreflightException(
                            CdcSourceConfig.DATABASE_DBNAME,
                            "database '" + config.databaseName() + "' does not exist at " + where,
                            e);
                default -> networkFailure(e, config, where);
            };
        }

        private static PreflightException networkFailure(SQLException e, CdcSourceConfig config, String where) {
            final Throwable root = Preflight.rootCause(e);
            if (root instanceof UnknownHostException) {
                return new PreflightException(
                        CdcSourceConfig.DATABASE_HOSTNAME, "unknown host '" + config.databaseHostname() + "'", e);
            }
            if (root instanceof ConnectException) {
                return new PreflightException(
                        CdcSourceConfig.DATABASE_PORT,
                        "PostgreSQL is not reachable at " + where
                                + " (database.hostname/database.port): connection refused",
                        e);
            }
            if (root instanceof SocketTimeoutException) {
                return new PreflightException(
                        CdcSourceConfig.DATABASE_HOSTNAME,
                        "PostgreSQL did not answer at " + where + " within " + CONNECT_TIMEOUT_SECONDS
                                + " s (database.hostname/database.port)",
                        e);
            }
            return new PreflightException(
                    CdcSourceConfig.DATABASE_HOSTNAME,
                    "PostgreSQL check failed at " + where + " (SQLState " + e.getSQLState() + "): " + e.getMessage(),
                    e);
        }
    }
}
