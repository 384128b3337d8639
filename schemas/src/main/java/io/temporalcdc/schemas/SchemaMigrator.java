package io.temporalcdc.schemas;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the Temporal DDL ({@code classpath:db/migration}) with Flyway. Every migration runs in its own transaction
 * and the first error stops the run; already applied migrations are validated against their checksums first.
 * Flyway's history table ({@code public.flyway_schema_history}) records what was applied; migrations
 * schema-qualify every object, so they do not depend on the {@code search_path}.
 */
public final class SchemaMigrator {
    /** Where the migrations live on the classpath. */
    public static final String LOCATION = "classpath:db/migration";
    /**
     * Schema of Flyway's history table. Named explicitly: with the default {@code search_path} ("$user", public) a
     * user called {@code temporal} would otherwise find the history in {@code public} on the first run and look for
     * it in {@code temporal} on the next.
     */
    public static final String HISTORY_SCHEMA = "public";
    /** Flyway's history table, in {@link #HISTORY_SCHEMA}. */
    public static final String HISTORY_TABLE = "flyway_schema_history";

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {}

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
            LOG.info(
                    "Schema at version {} ({} migrations applied by this run, database {})",
                    result.targetSchemaVersion,
                    result.migrationsExecuted,
                    jdbcUrl);
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new SchemaException("applying the schema to " + jdbcUrl + " failed: " + e.getMessage(), e);
        }
    }

    private static Flyway flyway(String jdbcUrl, String user, String password) {
        return Flyway.configure(SchemaMigrator.class.getClassLoader())
                .dataSource(jdbcUrl, emptyToNull(user), emptyToNull(password))
                .locations(LOCATION)
                .defaultSchema(HISTORY_SCHEMA)
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
