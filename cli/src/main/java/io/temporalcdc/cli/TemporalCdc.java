package io.temporalcdc.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code temporal-cdc}: the operators' tool. Subcommands {@code reindex}, {@code dead-letters list|show|redrive},
 * {@code status}, {@code schema migrate} and {@code verify}; {@code --help} on each. Exit codes: 0 done, 1 failed (the reason is printed), 2 bad arguments, 3
 * declined at the confirmation prompt.
 */
@Command(
        name = "temporal-cdc",
        mixinStandardHelpOptions = true,
        versionProvider = TemporalCdc.Version.class,
        description =
                "Operate the temporal-cdc pipeline: rebuild the visibility index from the documents topic,"
                        + " re-drive dead letters, show how far every app is, apply the database schema, compare the index with the table.",
        subcommands = {
            ReindexCommand.class,
            DeadLettersCommand.class,
            StatusCommand.class,
            SchemaCommand.class,
            VerifyCommand.class,
            CommandLine.HelpCommand.class
        },
        exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
        exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE, TemporalCdc.EXIT_DECLINED
        })
public final class TemporalCdc implements Runnable {
    static final String EXIT_CODES_HEADING = "%nExit codes:%n";
    static final String EXIT_OK = "0:done";
    static final String EXIT_FAILED = "1:failed: the reason is printed on stderr";
    static final String EXIT_USAGE = "2:bad arguments: the reason is printed on stderr";
    static final String EXIT_DECLINED = "3:declined at the confirmation prompt";

    /** Exit code of a failure. */
    public static final int FAILED = 1;
    /** Exit code of bad arguments (picocli's usage error). */
    public static final int USAGE = CommandLine.ExitCode.USAGE;
    /** Exit code when the operator declines. */
    public static final int DECLINED = 3;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(
                spec.commandLine(),
                "name a subcommand: reindex, dead-letters, status, schema or verify (temporal-cdc --help)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** @return the exit code of running the tool with {@code args} */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** @return the tool's command line, with its exception handler */
    public static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new TemporalCdc());
        commandLine.setExecutionExceptionHandler((e, failed, parseResult) -> {
            if (e instanceof CommandLine.ParameterException usage) {
                throw usage;
            }
            failed.getErr().println(qualifiedName(failed) + ": " + describe(e));
            if (!(e instanceof CliException)) {
                e.printStackTrace(failed.getErr());
            }
            return e instanceof CliException cli ? cli.exitCode() : FAILED;
        });
        return commandLine;
    }

    private static String qualifiedName(CommandLine commandLine) {
        return commandLine.getCommandSpec().qualifiedName();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.toString() : message;
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = TemporalCdc.class.getPackage().getImplementationVersion();
            return new String[] {"temporal-cdc " + (version == null ? "(development build)" : version)};
        }
    }
}
