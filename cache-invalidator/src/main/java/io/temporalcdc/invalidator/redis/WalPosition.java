package io.temporalcdc.invalidator.redis;

import io.temporalcdc.invalidator.reader.Lsn;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL primary's current WAL position ({@code pg_current_wal_lsn()}), read on a thread of its own over
 * one JDBC connection, reopened after a failure. Read after a batch's changes reached the invalidator, it is at
 * least the commit LSN of each of them (Debezium streams only committed transactions, and the primary's position
 * only grows): the batch's fence. On a standby the query fails ("recovery is in progress"), which is the point: a
 * replica's position is no upper bound of the primary's commits.
 */
public final class WalPosition implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WalPosition.class);
    private static final String QUERY = "SELECT pg_current_wal_lsn()::text";

    private final String url;
    private final Properties properties = new Properties();
    private final ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "wal-position");
        thread.setDaemon(true);
        return thread;
    });
    private Connection connection;

    public WalPosition(String url, String user, String password) {
        this.url = url;
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "10");
        properties.setProperty("ApplicationName", "temporal-cdc-cache-invalidator");
    }

    /** @return the primary's position now, or a failure naming the database's error */
    public CompletableFuture<Long> current() {
        return CompletableFuture.supplyAsync(this::query, executor);
    }

    /** Reads the position now, on the calling thread (start-up checks). */
    public long currentNow() throws SQLException {
        try {
            return current().get(15, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof WalPositionException failure
                    && failure.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(e.getCause().getMessage(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SQLException("no answer from " + url + " within 15 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        }
    }

    private long query() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(url, properties);
                connection.setAutoCommit(true);
            }
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery(QUERY)) {
                rs.next();
                return Lsn.parse(rs.getString(1));
            }
        } catch (SQLException e) {
            closeQuietly();
            throw new WalPositionException("pg_current_wal_lsn() on " + url + " failed: " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the database connection", e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        executor.submit(this::closeQuietly);
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The position could not be read. */
    public static final class WalPositionException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        WalPositionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
