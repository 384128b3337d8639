package io.temporalcdc.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Temporal's own SQL visibility table on PostgreSQL ({@code executions_visibility}, visibility schema v12 1.14): its
 * DDL as the {@code temporal-v12} profile reads it, and the statements Temporal's SQL visibility store writes it with
 * ({@code common/persistence/sql/sqlplugin/postgresql/visibility.go}): the upsert keeps a row only when its {@code
 * _version} (the visibility task id) grows, the "started" insert never overwrites, the delete is unversioned.
 */
public final class TemporalSqlVisibility {
    /** Classpath resource of the table's DDL. */
    public static final String DDL_RESOURCE = "sql/temporal_v12_visibility.sql";

    /** The columns Temporal writes, in the order of {@link #UPSERT}'s parameters. */
    public static final String COLUMNS = "namespace_id, run_id, _version, start_time, execution_time, workflow_id,"
            + " workflow_type_name, status, close_time, history_length, history_size_bytes, execution_duration,"
            + " state_transition_count, memo, encoding, task_queue, search_attributes, parent_workflow_id,"
            + " parent_run_id, root_workflow_id, root_run_id";

    private static final String VALUES = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?";

    /** An upsert as Temporal's SQL store makes it: the row changes only when {@code _version} grows. */
    public static final String UPSERT = "INSERT INTO executions_visibility (" + COLUMNS + ") VALUES (" + VALUES + ")"
            + " ON CONFLICT (namespace_id, run_id) DO UPDATE SET _version = EXCLUDED._version,"
            + " start_time = EXCLUDED.start_time, execution_time = EXCLUDED.execution_time,"
            + " workflow_id = EXCLUDED.workflow_id, workflow_type_name = EXCLUDED.workflow_type_name,"
            + " status = EXCLUDED.status, close_time = EXCLUDED.close_time,"
            + " history_length = EXCLUDED.history_length, history_size_bytes = EXCLUDED.history_size_bytes,"
            + " execution_duration = EXCLUDED.execution_duration,"
            + " state_transition_count = EXCLUDED.state_transition_count, memo = EXCLUDED.memo,"
            + " encoding = EXCLUDED.encoding, task_queue = EXCLUDED.task_queue,"
            + " search_attributes = EXCLUDED.search_attributes, parent_workflow_id = EXCLUDED.parent_workflow_id,"
            + " parent_run_id = EXCLUDED.parent_run_id, root_workflow_id = EXCLUDED.root_workflow_id,"
            + " root_run_id = EXCLUDED.root_run_id"
            + " WHERE executions_visibility._version < EXCLUDED._version";

    /** The "started" insert: a row already there (an upsert overtook it) stays as it is. */
    public static final String INSERT_STARTED =
            "INSERT INTO executions_visibility (" + COLUMNS + ") VALUES (" + VALUES + ") ON CONFLICT DO NOTHING";

    /** The retention delete: unversioned. */
    public static final String DELETE = "DELETE FROM executions_visibility WHERE namespace_id = ? AND run_id = ?";

    private TemporalSqlVisibility() {}

    /** @return the table's DDL ({@code CREATE TABLE IF NOT EXISTS}, unqualified: it lands in the search_path) */
    public static String ddl() {
        try (InputStream in = TemporalSqlVisibility.class.getClassLoader().getResourceAsStream(DDL_RESOURCE)) {
            if (in == null) {
                throw new SchemaException("classpath resource " + DDL_RESOURCE + " is missing", null);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new SchemaException("cannot read " + DDL_RESOURCE, e);
        }
    }

    /** Creates the table in {@code schema} (created too when missing) and leaves the connection's search_path there. */
    public static void create(Connection connection, String schema) throws SQLException {
        SourceProfiles.identifier("schema", schema);
        try (Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
            statement.execute("SET search_path TO " + schema);
            statement.execute(ddl());
        }
    }
}
