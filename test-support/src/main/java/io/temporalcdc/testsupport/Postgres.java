package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The stack's PostgreSQL server (>= 15, {@code wal_level=logical}) on 127.0.0.1. The role
 * {@code temporal} (SUPERUSER, REPLICATION) logs in over TCP without a password; every other role
 * must authenticate with scram-sha-256.
 */
public interface Postgres {

    /** Always {@code 127.0.0.1}. */
    String host();

    /** The TCP port. */
    int port();

    /** The database {@code temporal}, owned by the role {@code temporal}. */
    String database();

    /** The trusted superuser {@code temporal}. */
    String user();

    /** {@code jdbc:postgresql://127.0.0.1:P/temporal?user=temporal}. */
    String jdbcUrl();

    /** A new connection to database {@code temporal} as the trusted superuser {@code temporal}. */
    Connection connect() throws SQLException;

    /**
     * Creates a fresh database owned by {@code temporal}.
     *
     * @param name the database name (use {@link Names#unique(String)}; dashes are fine, it is quoted)
     * @return its JDBC URL, with {@code user=temporal}
     */
    String createDatabase(String name);

    /** Creates a LOGIN REPLICATION SUPERUSER role that must authenticate with scram-sha-256. */
    void createPasswordUser(String name, String password);

    /** The server's log file. */
    Path logFile();
}
