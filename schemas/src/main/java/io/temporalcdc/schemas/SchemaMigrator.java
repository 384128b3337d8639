package io.temporalcdc.schemas;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Temporal DDL ({@code classpath:db/migration}) with Flyway. Every migration runs in its own transaction
 * and the first error stops the run; already applied migrations are validated against their checksums first.
 * Flyway's history table ({@code public.flyway_schema_history}) records what was applied.
 */
public final class SchemaMigrator {
    /** Where the migrations live on the classpath. */
    public static final String LOCATION = "classpath:db/migration";
    /** Flyway's history table (in the connection's default schema, {@code public}). */
    public static final String HISTORY_TABLE = "flyway_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {
    }

    /**
     * Brings the database to the latest schema version.
     *
     * @param jdbcUrl PostgreSQL JDBC URL (it may carry the user itself)
     * @param user user, or null when the URL names it
     * @param password password, or null/empty for trust authentication
     * @return the number of migrations applied by this call (0 when the schema was up to date)
     * @throws SchemaException when validation or a migration fails (nothing of the failed migration stays applied)
     */
    public static int migrate(String jdbcUrl, String user, String password) {
        try {
            MigrateResult result = flyway(jdbcUrl, user, password).migrate();
            LOG.info("Schema at version {} ({} migrations applied by this run, database {})",
                    result.targetSchemaVersion, result.migrationsExecuted, jdbcUrl);
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new SchemaException("applying the schema to " + jdbcUrl + " failed: " + e.getMessage(), e);
        }
    }

    private static Flyway flyway(String jdbcUrl, String user, String password) {
        return Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(jdbcUrl, emptyToNull(user), emptyToNull(password))
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                .validateOnMigrate(true)
                .placeholderReplacement(false)
                .cleanDisabled(true)
                .load();
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
