package io.temporalcdc.cli;

import io.temporalcdc.schemas.SchemaException;
import io.temporalcdc.schemas.SchemaMigrator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code temporal-cdc schema migrate}: brings a database to the project's schema (the seed's DDL, {@code schemas/}'s
 * Flyway migrations, the same ones the {@code flyway/flyway} image applies in {@code compose/compose.yml}), waiting
 * for the server to accept connections first.
 */
@Command(
        name = "schema",
        mixinStandardHelpOptions = true,
        description = "The project's PostgreSQL schema (temporal, temporal_visibility).",
        subcommands = {SchemaCommand.Migrate.class},
        exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
        exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
final class SchemaCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(
                spec.commandLine(), "name a subcommand: migrate (temporal-cdc schema --help)");
    }

    @Command(
            name = "migrate",
            mixinStandardHelpOptions = true,
            description = {
                "Applies the migrations the database lacks (Flyway, history in public.flyway_schema_history) and prints"
                        + " how many it applied; an up-to-date database is left alone.",
                "Exits 1 when a migration fails (nothing of it stays applied) or the server does not answer within"
                        + " --wait."
            },
            exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
            exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
    static final class Migrate implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(
                names = "--jdbc",
                required = true,
                paramLabel = "JDBC_URL",
                description = "The database, e.g. jdbc:postgresql://postgres:5432/temporal.")
        String jdbcUrl;

        @Option(names = "--user", description = "The user (default: the one in the URL, or the driver's).")
        String user;

        @Option(
                names = "--password-env",
                paramLabel = "VARIABLE",
                description = "The environment variable holding the password (default: none, or the URL's).")
        String passwordEnv;

        @Option(
                names = "--wait",
                defaultValue = "60",
                paramLabel = "SECONDS",
                description = "How long to retry while the server refuses connections (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        @Override
        public Integer call() throws InterruptedException {
            String password = null;
            if (passwordEnv != null) {
                password = System.getenv(passwordEnv);
                if (password == null) {
                    throw new CliException("the environment variable " + passwordEnv + " (--password-env) is not set");
                }
            }
            PrintWriter out = spec.commandLine().getOut();
            long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
            while (true) {
                try {
                    int applied = SchemaMigrator.migrate(jdbcUrl, user, password);
                    out.println("schema up to date: " + applied + " migration(s) applied");
                    out.flush();
                    return 0;
                } catch (SchemaException e) {
                    if (!refused(e) || System.nanoTime() > deadline) {
                        throw new CliException(e.getMessage());
                    }
                    spec.commandLine().getErr().println("waiting for " + jdbcUrl + ": " + e.getMessage());
                    Thread.sleep(2000);
                }
            }
        }

        /** @return whether the failure is the server not accepting connections yet (SQLSTATE class 08, 57P03) */
        private static boolean refused(Throwable e) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                    String state = sql.getSQLState();
                    return state.startsWith("08") || state.equals("57P03");
                }
            }
            return false;
        }
    }
}
