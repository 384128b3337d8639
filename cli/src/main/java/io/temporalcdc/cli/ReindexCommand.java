package io.temporalcdc.cli;

import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.schemas.ElasticsearchContracts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "reindex",
        mixinStandardHelpOptions = true,
        description = {
            "Rebuild the visibility index by replaying the documents topic from offset 0 into a new index, verify it"
                    + " (with --jdbc), and move the alias to it in one atomic request. Search through the alias keeps"
                    + " answering throughout; the live indexer keeps running.",
            "Procedure: create <alias>_reindex-<UTC time>-000001 from the template; replay until the end offsets read"
                    + " at the start are committed; restore replicas and refresh; verify; swap the alias; keep replaying"
                    + " until the end offsets read after the swap are committed (what the live indexer wrote to the old"
                    + " index meanwhile), then stop. Versions make every second write of a document a no-op."
        },
        exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
        exitCodeList = {
            "0:the alias was swapped (and, with --jdbc, the verification passed)",
            TemporalCdc.EXIT_FAILED + "; the alias was not moved unless the message says so",
            TemporalCdc.EXIT_USAGE,
            TemporalCdc.EXIT_DECLINED
        })
final class ReindexCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    ElasticsearchOptions elasticsearch;

    @Option(
            names = "--jdbc",
            paramLabel = "JDBC_URL",
            description = "Verify the new index against temporal_visibility.executions before the swap, e.g."
                    + " jdbc:postgresql://host:5432/temporal?user=...&password=...")
    String jdbcUrl;

    @Option(names = "--yes", description = "Run without asking for confirmation.")
    boolean yes;

    @Option(
            names = "--alias",
            defaultValue = ElasticsearchContracts.DEFAULT_INDEX_PREFIX,
            description = "The visibility alias, the indexer's index.prefix (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(
            names = "--index",
            paramLabel = "NAME",
            description = "Name of the new index (default: <alias>_reindex-<UTC time>-000001; it must match <alias>_*"
                    + " for the template to apply, and end in -NNNNNN for rollovers).")
    String index;

    @Option(
            names = "--template",
            paramLabel = "FILE",
            description = "Install this index template (the seed's format, e.g. a new mapping version) before creating"
                    + " the new index.")
    Path template;

    @Option(names = "--delete-old", description = "Delete the old indices after the swap (default: keep them).")
    boolean deleteOld;

    @Option(
            names = "--sample",
            defaultValue = "1000",
            description = "Rows compared field by field by the verification (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(
            names = "--verify-timeout",
            defaultValue = "120",
            paramLabel = "SECONDS",
            description = "How long a difference may take to disappear (rows in flight) (default: ${DEFAULT-VALUE}).")
    long verifyTimeoutSeconds;

    @Option(
            names = "--stall-timeout",
            defaultValue = "300",
            paramLabel = "SECONDS",
            description = "Fail when the replay makes no progress for this long (default: ${DEFAULT-VALUE}).")
    long stallTimeoutSeconds;

    @Option(
            names = "--bulk-actions",
            defaultValue = "2000",
            description = "Documents per _bulk request (default: ${DEFAULT-VALUE}).")
    int bulkActions;

    @Option(
            names = "--bulk-in-flight",
            defaultValue = "4",
            description = "_bulk requests in flight (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(
            names = "--progress",
            defaultValue = "auto",
            description =
                    "auto (a bar on a terminal, plain lines otherwise), bar or plain (default: ${DEFAULT-VALUE}).")
    String progress;

    @Override
    public Integer call() throws Exception {
        if (!elasticsearch.given()) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--elasticsearch=URL'");
        }
        if (sample < 0 || bulkActions < 1 || inFlight < 1 || verifyTimeoutSeconds < 0 || stallTimeoutSeconds < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--sample must be >= 0, --bulk-actions and --bulk-in-flight >= 1, the time-outs positive");
        }
        if (index != null && !index.startsWith(alias + "_")) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--index " + index + " must start with " + alias + "_ for the template to apply");
        }
        Progress.Mode mode;
        try {
            mode = Progress.Mode.valueOf(progress.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--progress must be auto, bar or plain");
        }
        PrintStream out = System.out;
        Reindex.Settings settings = new Reindex.Settings(
                kafka.clientProperties(),
                kafka.topicPrefix,
                alias,
                index,
                template,
                deleteOld,
                jdbcUrl,
                sample,
                Duration.ofSeconds(verifyTimeoutSeconds),
                Duration.ofSeconds(stallTimeoutSeconds),
                bulkActions,
                inFlight,
                mode);
        try (EsConnection es = elasticsearch.open()) {
            Reindex reindex = new Reindex(settings, es, elasticsearch.baseUrl(), elasticsearch.credentials(), out);
            String plan = reindex.plan();
            out.println(plan);
            if (!yes) {
                confirm(out);
            }
            reindex.run();
            return 0;
        }
    }

    private static void confirm(PrintStream out) throws java.io.IOException {
        if (System.console() == null) {
            throw new CliException("not a terminal: pass --yes to run without confirmation", TemporalCdc.DECLINED);
        }
        out.print("Go ahead? [y/N] ");
        out.flush();
        String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (answer == null || !answer.trim().toLowerCase(java.util.Locale.ROOT).startsWith("y")) {
            throw new CliException("declined: nothing was changed", TemporalCdc.DECLINED);
        }
    }
}
