package io.temporalcdc.demo;

import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Fresh databases with the Temporal schema on the shared stack's PostgreSQL, and small query helpers. */
final class Databases {

    private Databases() {}

    /** A new database with both schemas applied; returns its JDBC URL. */
    static String freshWithSchema(String base) {
        String jdbcUrl =
                LocalStack.shared().postgres().createDatabase(Names.unique(base).replace('-', '_'));
        SchemaMigrator.migrate(jdbcUrl, null, null);
        return jdbcUrl;
    }

    static long count(String jdbcUrl, String sql) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    static int execute(String jdbcUrl, String sql, Object... params) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            return TemporalWrites.update(connection, sql, params);
        }
    }
}
