package io.temporalcdc.demo;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bin/demo}: starts PostgreSQL, Kafka, Elasticsearch and Redis locally, applies the schema, starts cdc-source,
 * visibility-indexer, cache-invalidator and metrics-aggregator, prints the ENDPOINTS line, runs a Temporal-like
 * workload with live progress and cache-aside readers, drains, compares every visibility row with its document, every
 * value still cached with the database and every metrics group with the seed's view.
 */
@Command(
        name = "bin/demo",
        mixinStandardHelpOptions = true,
        description = "Runs the whole PostgreSQL -> Debezium -> Kafka -> Kafka Streams -> Elasticsearch and Redis"
                + " pipeline locally under a Temporal-like workload with cache-aside readers, compares every visibility"
                + " row with its document and checks that no cached value is stale.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:every row has an equal document after the drain and no cached value is stale",
            "1:differences or stale cached values remain, or a failure",
            "2:invalid options"
        })
public final class DemoMain implements Callable<Integer> {

    /** The exit code after SIGTERM or Ctrl-C stopped a run (128 + SIGTERM). */
    static final int STOPPED = 143;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--duration",
            paramLabel = "<seconds>",
            defaultValue = "60",
            description = "How long the workload generator writes (default: ${DEFAULT-VALUE}).")
    private long durationSeconds;

    @Option(
            names = "--rate",
            paramLabel = "<workflows per second>",
            defaultValue = "20",
            description = "Workflows the generator starts per second (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(
            names = "--format",
            paramLabel = "avro|json",
            defaultValue = "avro",
            description = "Wire format of the change topics: avro (schemas in the stack's registry) or json"
                    + " (default: ${DEFAULT-VALUE}).")
    private String format;

    @Option(
            names = "--regions",
            description = "Two regions instead of one (demo/README.md, \"Two regions\"): region b's PostgreSQL"
                    + " subscribes to a's (the seed's replication.sql), each region has its Kafka, Redis, index and"
                    + " pipeline, MirrorMaker 2 mirrors between them and cross-region shows lag and divergence live;"
                    + " then lag is injected and a divergence opened and healed. JSON topics; --rate defaults to "
                    + REGIONS_RATE + " here.")
    private boolean regions;

    @Option(
            names = "--temporal",
            description = "Temporal's own SQL visibility table instead of the seed's (demo/README.md, \"Temporal's own"
                    + " visibility\"): executions_visibility filled, then backfilled into an index Temporal's"
                    + " Elasticsearch visibility reads by cdc-source and the indexer with source.profile=temporal-v12,"
                    + " then kept current under a Temporal-shaped workload; compared with the table at the end.")
    private boolean temporal;

    /** The default --rate of --regions: two regions' pipelines share the machine. */
    static final double REGIONS_RATE = 5;

    @Option(
            names = "--keep-running",
            description = "After the comparison, keep the servers and apps up until SIGTERM or Ctrl-C.")
    private boolean keepRunning;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with help and errors on stderr (stdout carries only the ENDPOINTS line and the summary). */
    static CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(new DemoMain());
        commandLine.setOut(new java.io.PrintWriter(System.err, true));
        return commandLine;
    }

    /** The validated settings of the parsed options. */
    DemoSettings settings() {
        if (durationSeconds < 0) {
            throw new ParameterException(
                    spec.commandLine(), "--duration must be 0 or more seconds, was " + durationSeconds);
        }
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ParameterException(
                    spec.commandLine(), "--rate must be more than 0 workflows per second, was " + rate);
        }
        if (regions
                && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--format")
                && !format.equals("json")) {
            throw new ParameterException(
                    spec.commandLine(), "--regions runs JSON change topics (each region would need the same registry)");
        }
        if (regions && temporal) {
            throw new ParameterException(
                    spec.commandLine(), "--regions and --temporal are two different demos: pick one");
        }
        if (!format.equals("avro") && !format.equals("json")) {
            throw new ParameterException(spec.commandLine(), "--format must be avro or json, was " + format);
        }
        boolean rateGiven = spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--rate");
        return new DemoSettings(
                Duration.ofSeconds(durationSeconds),
                regions && !rateGiven ? REGIONS_RATE : rate,
                keepRunning,
                DemoSettings.DEFAULT_DRAIN_TIMEOUT,
                format.equals("avro"));
    }

    /** A demo run: {@link Demo}, {@link RegionsDemo} with {@code --regions}, {@link TemporalVisibilityDemo} with {@code --temporal}. */
    interface Run extends AutoCloseable {
        /** @return the exit code */
        int run() throws Exception;

        /** True once {@link #close()} began (at the end of the run, or from the SIGTERM hook). */
        boolean isClosed();

        /** Stops everything the run started; safe to call twice and from the shutdown hook. */
        @Override
        void close();
    }

    @Override
    public Integer call() throws Exception {
        DemoSettings settings = settings();
        Run demo = regions
                ? RegionsDemo.own(settings, System.out)
                : temporal ? TemporalVisibilityDemo.own(settings, System.out) : new Demo(settings, System.out);
        Thread hook = new Thread(demo::close, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return demo.run();
        } catch (Exception e) {
            if (demo.isClosed()) {
                // stopped by SIGTERM / Ctrl-C while working: the failure is a consequence, not news
                return STOPPED;
            }
            throw e;
        } finally {
            demo.close();
        }
    }
}
