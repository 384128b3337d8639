package io.temporalcdc.cdcsource;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes rows into any table from its catalog entry, with a value of every column's type (so every PostgreSQL type
 * the schemas use goes through the pipeline), then updates and deletes them.
 */
final class RowsOfAnyTable {

    private RowsOfAnyTable() {}

    private record Column(String name, String type, boolean hasDefault) {}

    /** Inserts one row into {@code table}, updates one column of it, deletes it; returns the rows written (1). */
    static int insertUpdateDelete(Connection c, String table) throws SQLException {
        final List<Column> columns = columns(c, table);
        final List<String> names = new ArrayList<>();
        final List<String> values = new ArrayList<>();
        int n = 1;
        for (Column column : columns) {
            if (column.hasDefault()
                    && column.type().equals("bigint")
                    && column.name().equals("id")) {
                continue;
            }
            names.add('"' + column.name() + '"');
            values.add(value(column.type(), n++));
        }
        final List<String> keys = primaryKey(c, table);
        final Column updated = columns.stream()
                .filter(col -> !keys.contains(col.name()) && !col.hasDefault())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(table + " has no column to update"));
        try (Statement st = c.createStatement()) {
            st.execute("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
                    + String.join(", ", values) + ")");
            st.execute("UPDATE " + table + " SET \"" + updated.name() + "\" = " + value(updated.type(), 99));
            st.execute("DELETE FROM " + table);
        }
        return 1;
    }

    private static String value(String type, int n) {
        return switch (type) {
            case "integer", "smallint" -> Integer.toString(n);
            case "bigint" -> Long.toString(1_000_000_000_000L + n);
            case "bytea" -> "'\\x0102" + String.format("%02x", n) + "'::bytea";
            case "jsonb", "json" -> "'{\"CustomKeywordField\": \"v" + n + "\"}'::" + type;
            case "timestamp without time zone" ->
                "TIMESTAMP '2024-01-15 10:00:00.123456' + INTERVAL '" + n + " minutes'";
            case "timestamp with time zone" -> "TIMESTAMPTZ '2024-01-15 10:00:00.123456+00'";
            case "boolean" -> n % 2 == 0 ? "true" : "false";
            case "numeric" -> "12.5";
            case "double precision", "real" -> "1.25";
            default -> "'v" + n + "'";
        };
    }

    private static List<Column> columns(Connection c, String table) throws SQLException {
        final String[] parts = table.split("\\.");
        final List<Column> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT column_name, data_type, column_default IS NOT NULL"
                        + " FROM information_schema.columns WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position")) {
            ps.setString(1, parts[0]);
            ps.setString(2, parts[1]);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new Column(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return columns;
    }

    private static List<String> primaryKey(Connection c, String table) throws SQLException {
        final List<String> keys = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_index i JOIN pg_attribute a"
                + " ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)"
                + " WHERE i.indrelid = ?::regclass AND i.indisprimary")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    keys.add(rs.getString(1));
                }
            }
        }
        return keys;
    }
}
