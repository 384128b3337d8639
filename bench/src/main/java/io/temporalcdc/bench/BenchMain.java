package io.temporalcdc.bench;

import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.StackOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/bench}: starts the local stack, runs the scenarios and writes a markdown report in which every figure
 * stands next to the ceiling of the system beneath it, measured in the same run on the same node. A report, not a
 * gate: the exit code says only whether the scenarios ran.
 */
@Command(
        name = "bin/bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks each stage of the pipeline against the ceiling beneath it and writes a report.")
public final class BenchMain implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(BenchMain.class);

    @Option(
            names = "--records",
            defaultValue = "100000",
            description =
                    "Change records pre-filled for the indexer-alone and invalidator-alone scenarios (default ${DEFAULT-VALUE}).")
    long records;

    @Option(
            names = "--runs",
            defaultValue = "1000000",
            description = "Runs pre-filled for the metrics-aggregator-alone scenario, over 30 days, 10 namespaces × 20"
                    + " types (default ${DEFAULT-VALUE}).")
    long runs;

    @Option(
            names = "--burst",
            defaultValue = "20000",
            description = "Rows committed in one transaction in the burst scenario (default ${DEFAULT-VALUE}).")
    int burst;

    @Option(
            names = "--rate",
            defaultValue = "1000",
            description = "Visibility changes per second in the steady scenarios (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(
            names = "--duration",
            defaultValue = "60",
            description = "Seconds of steady load (default ${DEFAULT-VALUE}).")
    int duration;

    @Option(
            names = "--scenarios",
            split = ",",
            defaultValue =
                    "source,source-steady,alone,burst,steady,invalidator,invalidator-demo,invalidator-steady,metrics,"
                            + "metrics-demo,reindex,temporal-backfill",
            description = "Which scenarios to run: source (cdc-source against bare Debezium on a backlog of"
                    + " --source-changes changes, JSON and Avro), source-steady (commit → in Kafka at --rate, and the"
                    + " slot's lag after), alone, burst, steady (the indexer), invalidator (alone on a"
                    + " pre-filled topic), invalidator-demo (commit → key gone at the demo's load),"
                    + " invalidator-steady (commit → key gone at --rate), metrics (the aggregator alone on --runs"
                    + " runs, with its state size and RSS), metrics-demo (commit → visible in its API at the demo's"
                    + " load), reindex (temporal-cdc reindex replaying --reindex-documents documents against raw"
                    + " _bulk, with the tool's RSS), temporal-backfill (the temporal-v12 profile's initial snapshot of"
                    + " --temporal-rows rows of Temporal's own visibility table against raw _bulk) (default"
                    + " ${DEFAULT-VALUE}).")
    List<String> scenarios;

    @Option(
            names = "--source-changes",
            defaultValue = "100000",
            description = "Changes in the backlog cdc-source and bare Debezium drain (default ${DEFAULT-VALUE}).")
    int sourceChanges;

    @Option(
            names = "--temporal-rows",
            defaultValue = "100000",
            description =
                    "Rows of executions_visibility the temporal-backfill scenario indexes (default ${DEFAULT-VALUE}).")
    int temporalRows;

    @Option(
            names = "--reindex-documents",
            defaultValue = "1000000",
            description = "Documents in the topic the reindex scenario replays (default ${DEFAULT-VALUE}).")
    int reindexDocuments;

    @Option(
            names = "--report",
            defaultValue = "bench/target/bench-report.md",
            description = "Where the markdown report goes (default ${DEFAULT-VALUE}).")
    Path report;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Report out = new Report(records, burst, rate, duration);
        try (LocalStack stack = LocalStack.start(StackOptions.defaults()
                .withBaseDir(Path.of(".stack", "bench"))
                .withStartTimeout(Duration.ofMinutes(5)))) {
            SchemaMigrator.migrate(stack.postgres().jdbcUrl(), null, null);
            SourceScenarios source = new SourceScenarios(stack, out);
            if (scenarios.contains("source")) {
                source.drain(sourceChanges);
            }
            if (scenarios.contains("source-steady")) {
                source.steady(rate, duration);
            }
            Scenarios run = new Scenarios(stack, stack.runDir().resolve("apps"), out);
            if (scenarios.contains("alone")) {
                run.indexerAlone(records);
            }
            if (scenarios.contains("burst")) {
                run.burst(burst);
            }
            if (scenarios.contains("steady")) {
                run.steady(rate, duration);
            }
            InvalidatorScenarios invalidator =
                    new InvalidatorScenarios(stack, stack.runDir().resolve("apps"), out);
            if (scenarios.contains("invalidator")) {
                invalidator.alone(records);
            }
            if (scenarios.contains("invalidator-demo")) {
                invalidator.demoLoad(duration);
            }
            if (scenarios.contains("invalidator-steady")) {
                invalidator.steady(rate, duration);
            }
            AggregatorScenarios aggregator =
                    new AggregatorScenarios(stack, stack.runDir().resolve("apps"), out);
            if (scenarios.contains("metrics")) {
                aggregator.alone(runs);
            }
            if (scenarios.contains("metrics-demo")) {
                aggregator.demoLoad(duration);
            }
            if (scenarios.contains("temporal-backfill")) {
                new TemporalScenarios(stack, stack.runDir().resolve("apps"), out).backfill(temporalRows);
            }
            if (scenarios.contains("reindex")) {
                new ReindexScenarios(stack, stack.runDir().resolve("apps"), out).replay(reindexDocuments);
            }
        }
        Files.createDirectories(report.toAbsolutePath().getParent());
        Files.writeString(report, out.markdown());
        LOG.info("Report written to {}", report.toAbsolutePath());
        System.out.println(out.markdown());
        return 0;
    }
}
