package io.temporalcdc.schemas;

import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** JDBC helpers for the DDL integration tests: fresh databases on the shared PostgreSQL and small queries. */
final class TestDatabase {

    static final String SCHEMAS = "('temporal', 'temporal_visibility', 'public')";

    /** One md5 over the columns, indexes, routines, relations and views of the project's schemas. */
    private static final String FINGERPRINT = """
            SELECT md5(string_agg(item, E'\\n' ORDER BY item)) FROM (
              SELECT 'column ' || table_schema || '.' || table_name || '.' || column_name || ' ' || data_type
                     || ' ' || coalesce(character_maximum_length::text, '') || ' ' || is_nullable
                     || ' ' || coalesce(column_default, '') AS item
                FROM information_schema.columns WHERE table_schema IN %1$s
              UNION ALL
              SELECT 'index ' || schemaname || '.' || indexname || ' ' || indexdef
                FROM pg_indexes WHERE schemaname IN %1$s
              UNION ALL
              SELECT 'routine ' || routine_schema || '.' || routine_name || ' ' || coalesce(routine_definition, '')
                FROM information_schema.routines WHERE routine_schema IN %1$s
              UNION ALL
              SELECT 'relation ' || n.nspname || '.' || c.relname || ' ' || c.relkind::text || ' ' || c.relreplident::text
                     || ' ' || coalesce(pg_get_expr(c.relpartbound, c.oid), '')
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname IN %1$s
              UNION ALL
              SELECT 'view ' || schemaname || '.' || matviewname || ' ' || definition
                FROM pg_matviews WHERE schemaname IN %1$s
            ) catalog
            """.formatted(SCHEMAS);

    private TestDatabase() {}

    /** A new, empty database on the shared test PostgreSQL; returns its JDBC URL (user in the URL, trust). */
    static String fresh(String base) {
        return LocalStack.shared().postgres().createDatabase(Names.unique(base));
    }

    static Connection connect(String url) throws SQLException {
        return DriverManager.getConnection(url);
    }

    static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params)) {
            return ps.executeUpdate();
        }
    }

    static void execute(Connection c, String sql) throws SQLException {
        try (var statement = c.createStatement()) {
            statement.execute(sql);
        }
    }

    static long count(Connection c, String sql, Object... params) throws SQLException {
        return ((Number) single(c, sql, params)).longValue();
    }

    static Object single(Connection c, String sql, Object... params) throws SQLException {
        List<List<Object>> rows = rows(c, sql, params);
        if (rows.size() != 1 || rows.get(0).size() != 1) {
            throw new IllegalStateException("expected one value from " + sql + " but got " + rows);
        }
        return rows.get(0).get(0);
    }

    static List<List<Object>> rows(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = prepare(c, sql, params);
                ResultSet rs = ps.executeQuery()) {
            List<List<Object>> rows = new ArrayList<>();
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    static String catalogFingerprint(Connection c) throws SQLException {
        return (String) single(c, FINGERPRINT);
    }

    private static PreparedStatement prepare(Connection c, String sql, Object... params) throws SQLException {
        PreparedStatement ps = c.prepareStatement(sql);
        for (int i = 0; i < params.length; i++) {
            ps.setObject(i + 1, params[i]);
        }
        return ps;
    }
}
