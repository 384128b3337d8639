package io.temporalcdc.cli;

import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.ExpectedDocuments;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.TemporalExpectedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.ElasticsearchContracts;
import io.temporalcdc.schemas.SourceProfiles;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code temporal-cdc verify}: compares every visibility row with its document, field by field, with the SQL oracle
 * of the profile (the seed's {@code temporal_visibility.executions}, or Temporal's own {@code executions_visibility});
 * the check before pointing Temporal's Elasticsearch visibility at the index.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = {
            "Compare every visibility row of PostgreSQL with its Elasticsearch document, field by field, the expected"
                    + " document computed by PostgreSQL (independently of the indexer). --profile seed compares"
                    + " temporal_visibility.executions with the alias; --profile temporal-v12 compares Temporal's own"
                    + " <schema>.executions_visibility with the index Temporal's Elasticsearch visibility reads (every"
                    + " field Temporal writes, VisibilityTaskKey aside).",
            "While the pipeline runs, the index follows the table by its latency: a difference is compared again until"
                    + " the comparison is clean or --retry-for ends. Prints one line 'VERIFY CLEAN ...' or"
                    + " 'VERIFY DIFFERENT ...' and the first differences. Both sides are read whole into memory"
                    + " (TCDC_CLI_HEAP)."
        },
        exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
        exitCodeList = {"0:the index equals the table", TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
final class VerifyCommand implements Callable<Integer> {
    @Mixin
    ElasticsearchOptions elasticsearch;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--jdbc",
            required = true,
            paramLabel = "JDBC_URL",
            description =
                    "The database holding the visibility table (Temporal's visibility database for temporal-v12).")
    String jdbcUrl;

    @Option(
            names = "--profile",
            defaultValue = "seed",
            description = "seed or temporal-v12 (default: ${DEFAULT-VALUE}), as the indexer's source.profile.")
    String profile;

    @Option(
            names = "--alias",
            defaultValue = ElasticsearchContracts.DEFAULT_INDEX_PREFIX,
            description = "seed: the visibility alias (default: ${DEFAULT-VALUE}).")
    String alias;

    @Option(
            names = "--index",
            defaultValue = ElasticsearchContracts.TEMPORAL_DEFAULT_INDEX + "_dev",
            description =
                    "temporal-v12: the index Temporal's Elasticsearch visibility reads (default: ${DEFAULT-VALUE}).")
    String index;

    @Option(
            names = "--schema",
            defaultValue = "public",
            description = "temporal-v12: the schema of executions_visibility (default: ${DEFAULT-VALUE}).")
    String schema;

    @Option(
            names = "--retry-for",
            defaultValue = "30s",
            description = "How long a difference is compared again, for changes in flight (default: ${DEFAULT-VALUE}).")
    String retryFor;

    @Override
    public Integer call() throws Exception {
        if (!SourceProfiles.SEED.equals(profile) && !SourceProfiles.TEMPORAL_V12.equals(profile)) {
            throw new ParameterException(spec.commandLine(), "--profile must be seed or temporal-v12");
        }
        Duration retry = parseDuration(retryFor);
        String[] credentials = elasticsearch.credentials();
        if (!elasticsearch.given()) {
            throw new ParameterException(spec.commandLine(), "--elasticsearch URL is required");
        }
        IndexedDocuments indexed = new IndexedDocuments(
                elasticsearch.baseUrl(), VisibilityComparator.MAPPER, credentials[0], credentials[1]);
        PrintWriter out = spec.commandLine().getOut();
        long deadline = System.nanoTime() + retry.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            ComparisonReport report = compare(indexed);
            if (report.isClean() || System.nanoTime() >= deadline) {
                out.println((report.isClean() ? "VERIFY CLEAN" : "VERIFY DIFFERENT") + " profile=" + profile
                        + " target=" + target() + " rows=" + report.rows() + " documents=" + report.documents()
                        + " matching=" + report.matching() + " mismatched=" + report.mismatchedRows() + " missing="
                        + report.missing().size() + " extra=" + report.extra().size() + " attempts=" + attempts);
                report.summary().stream().skip(1).forEach(out::println);
                out.flush();
                return report.isClean() ? 0 : TemporalCdc.FAILED;
            }
            Thread.sleep(Math.min(2_000, Math.max(0, (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    private String target() {
        return SourceProfiles.TEMPORAL_V12.equals(profile) ? index : alias;
    }

    private ComparisonReport compare(IndexedDocuments indexed) throws Exception {
        if (SourceProfiles.TEMPORAL_V12.equals(profile)) {
            return new TemporalExpectedDocuments(jdbcUrl, schema, VisibilityComparator.MAPPER).compare(indexed, index);
        }
        return VisibilityComparator.compare(
                new ExpectedDocuments(jdbcUrl, VisibilityComparator.MAPPER).load(), indexed.load(alias));
    }

    private Duration parseDuration(String text) {
        try {
            return io.temporalcdc.runtime.ConfigTypes.parseDuration(text);
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), "--retry-for " + text + ": " + e.getMessage());
        }
    }
}
