package io.temporalcdc.demo;

import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.StackOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One demo run: stack, schema, the four apps, the ENDPOINTS line, the workload with live progress and cache readers,
 * the drain, the comparison, the stale-cache check and the metrics check against the seed's view. {@link #close()} (also from the SIGTERM hook) stops everything
 * it started.
 */
final class Demo implements DemoMain.Run {

    /**
     * At least the apps' latency window (30 s: their commit → done timers keep recent quantiles), so that the timed
     * run's first progress lines show the run, not the warm-up's first, JIT-cold seconds.
     */
    private static final Duration WARM_UP = Duration.ofSeconds(30);

    private static final Logger LOG = LoggerFactory.getLogger(Demo.class);
    private static final Path STACK_DIR = Path.of(".stack");
    private static final int WRITER_THREADS = 4;

    private final DemoSettings settings;
    private final PrintStream out;
    private final Supplier<LocalStack> stackFactory;
    private final boolean ownsStack;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile LocalStack stack;
    private volatile Pipeline pipeline;
    private volatile WorkloadGenerator generator;
    private volatile CacheReaders readers;
    private volatile LaggingReplica replica;
    private volatile PipelineProbe probe;
    private volatile Latency invalidatedDuringWorkload = Latency.UNKNOWN;
    private volatile Latency aggregatedDuringWorkload = Latency.UNKNOWN;

    /** The demo as {@code bin/demo} runs it: on its own stack under {@code .stack/}, stopped at the end. */
    Demo(DemoSettings settings, PrintStream out) {
        this(settings, out, Demo::ownStack, true);
    }

    /**
     * @param stackFactory where the servers come from
     * @param ownsStack whether {@link #close()} stops the stack (false for a stack shared with others)
     */
    Demo(DemoSettings settings, PrintStream out, Supplier<LocalStack> stackFactory, boolean ownsStack) {
        this.settings = settings;
        this.out = out;
        this.stackFactory = stackFactory;
        this.ownsStack = ownsStack;
    }

    static LocalStack ownStack() {
        return LocalStack.start(StackOptions.defaults().withBaseDir(STACK_DIR).withStartTimeout(Duration.ofMinutes(5)));
    }

    /**
     * Runs the demo; returns 0 when every row has an equal document after the drain, no cached value is stale and
     * every group of the metrics API equals the seed's view, else 1.
     */
    @Override
    public int run() throws Exception {
        stack = stackFactory.get();
        String jdbcUrl = stack.postgres().jdbcUrl();
        SchemaMigrator.migrate(jdbcUrl, null, null);
        pipeline = new Pipeline(demoPipeline(jdbcUrl)); // assigned before starting, so SIGTERM stops what started
        pipeline.startAll();
        out.println(EndpointsLine.of(
                stack.endpointsJson(),
                pipeline.metricsUrl(),
                stack.schemaRegistry().url()));
        out.flush();
        probe = new PipelineProbe(pipeline);
        warmUp(jdbcUrl);
        generator = new WorkloadGenerator(jdbcUrl, settings.workflowsPerSecond(), WRITER_THREADS);
        // a run dir of its own next to the stack's, where a later start finds it should this JVM die
        LaggingReplica started =
                LaggingReplica.start(stack.postgres(), stack.runDir().getParent());
        replica = started;
        if (closed.get()) {
            started.close(); // SIGTERM came while it started: close() has run and did not see it
        }
        readers = new CacheReaders(
                List.of(jdbcUrl, replica.jdbcUrl()), stack.redis().uri(), generator.recentlyTouched());
        runWorkload();
        ComparisonReport report = drainAndCompare();
        CacheReport cache = checkCaches();
        MetricsReport metrics = checkMetrics(jdbcUrl);
        report.summary().forEach(out::println);
        out.println(cache.line());
        out.println(metrics.line());
        out.flush();
        if (settings.keepRunning() && !closed.get()) {
            LOG.info(
                    "--keep-running: servers and apps stay up (run dir {}); stop with SIGTERM or Ctrl-C",
                    stack.runDir());
            stopped.await();
        }
        return report.isClean() && cache.isClean() && metrics.isClean() ? 0 : 1;
    }

    /** The demo uses the apps' default names: the ones an operator of a real deployment would see. */
    private PipelineSettings demoPipeline(String jdbcUrl) {
        return new PipelineSettings(
                jdbcUrl,
                stack.kafka().bootstrapServers(),
                stack.elasticsearch().url(),
                stack.redis().uri(),
                "temporal",
                "temporal_cdc",
                "temporal_cdc",
                "temporal-cdc-visibility-indexer",
                "temporal-cdc-cache-invalidator",
                "temporal-cdc-metrics-aggregator",
                "temporal_visibility_v1",
                stack.runDir().resolve("apps"),
                settings.avro() ? stack.schemaRegistry().url() : null);
    }

    /**
     * The JVMs of both apps compile their hot paths during their first seconds of load, which on a small machine
     * shows as seconds of latency: a quarter of the load for {@link #WARM_UP} (or the run's duration, if shorter)
     * first, drained, so the timed run
     * shows the pipeline as it runs. Its rows are real workflows, compared at the end like the others.
     */
    private void warmUp(String jdbcUrl) {
        LOG.info(
                "Warming up the apps for {} s at {} workflows/s (their JVMs compile their hot paths)",
                warmUp().toSeconds(),
                settings.workflowsPerSecond() / 4);
        try (WorkloadGenerator warm =
                new WorkloadGenerator(jdbcUrl, settings.workflowsPerSecond() / 4, WRITER_THREADS)) {
            warm.start();
            long until = System.nanoTime() + warmUp().toNanos();
            while (!closed.get() && System.nanoTime() < until) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            }
            warm.stop();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!closed.get()
                && System.nanoTime() < deadline
                && probe.consumerLag().orElse(1) > 0) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    private Duration warmUp() {
        return settings.duration().compareTo(WARM_UP) < 0 ? settings.duration() : WARM_UP;
    }

    private void runWorkload() {
        long seconds = settings.duration().toSeconds();
        LOG.info("Running the workload for {} s at {} workflows/s", seconds, settings.workflowsPerSecond());
        long started = System.nanoTime();
        generator.start();
        replica.startLagging();
        readers.start();
        try (ProgressDisplay display = new ProgressDisplay(seconds)) {
            long elapsed;
            while (!closed.get() && (elapsed = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started)) < seconds) {
                display.update(elapsed, probe.snapshot(generator.rowsChanged()));
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
            ProgressSnapshot last = probe.snapshot(generator.rowsChanged());
            display.update(seconds, last);
            invalidatedDuringWorkload = last.invalidated();
            aggregatedDuringWorkload = probe.aggregatorLatency();
        }
        generator.stop();
        readers.stop();
        replica.stopLagging();
        LOG.info(
                "The reader of the lagging replica had {} fills refused by a fence (replay paused {} times), the"
                        + " primary's reader {}",
                readers.refused(1),
                replica.pauses(),
                readers.refused(0));
        LOG.info(
                "Workload done: {} workflows, {} rows changed, {} failed transactions",
                generator.workflowsStarted(),
                generator.rowsChanged(),
                generator.failures());
    }

    private ComparisonReport drainAndCompare() throws Exception {
        LOG.info(
                "Draining (up to {} s) and comparing every visibility row with its document",
                settings.drainTimeout().toSeconds());
        VisibilityComparator comparator = new VisibilityComparator(
                pipeline.settings().jdbcUrl(), pipeline.settings().elasticsearchUrl(), pipeline.alias());
        ComparisonReport report = Drain.untilClean(probe, comparator, settings.drainTimeout(), LOG::info);
        LOG.info("Final: {}", probe.snapshot(generator.rowsChanged()).describe());
        return report;
    }

    /**
     * After the drain (every consumer group caught up, so every change was invalidated): each key the readers read
     * that is still cached must equal the database. The latency reported is the workload's (the invalidator's summary
     * covers about the last 30 s, which after the drain may hold nothing).
     */
    private CacheReport checkCaches() throws Exception {
        Latency latency = invalidatedDuringWorkload.isKnown() ? invalidatedDuringWorkload : probe.invalidatorLatency();
        CacheReport cache = readers.check(latency);
        if (!cache.isClean()) {
            LOG.warn(
                    "{} cached values differ from the database after the drain; the first ones:",
                    cache.stale().size());
            cache.named().forEach(stale -> LOG.warn("  stale {}", stale));
        }
        if (readers.errors() > 0) {
            LOG.warn("{} cache reads failed during the workload (see the warnings above)", readers.errors());
        }
        return cache;
    }

    /**
     * After the drain: every group of the aggregator's API against the seed's view refreshed on the same rows (counts
     * exactly, durations within the sketch's bound), retried for up to 30 s while the aggregator commits its last
     * changes.
     */
    private MetricsReport checkMetrics(String jdbcUrl) throws Exception {
        LOG.info("Comparing every group of the metrics API with the seed's view (REFRESH MATERIALIZED VIEW)");
        Latency latency = aggregatedDuringWorkload.isKnown() ? aggregatedDuringWorkload : probe.aggregatorLatency();
        MetricsReport metrics = new MetricsReport(
                MetricsCheck.compare(jdbcUrl, pipeline.metricsUrl(), Duration.ofSeconds(30)), latency);
        if (!metrics.isClean()) {
            LOG.warn(
                    "{} groups of the metrics API differ from the view; the first differences:",
                    metrics.groupsDiffering());
            metrics.named().forEach(mismatch -> LOG.warn("  {}", mismatch));
        }
        return metrics;
    }

    /** True once {@link #close()} began (at the end of the run, or from the SIGTERM hook). */
    @Override
    public boolean isClosed() {
        return closed.get();
    }

    /** Stops the generator, the readers, the apps and the stack; safe to call twice and from the shutdown hook. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopped.countDown();
        closeQuietly("workload generator", generator);
        closeQuietly("cache readers", readers);
        closeQuietly("replica", replica);
        closeQuietly("probe", probe);
        closeQuietly("pipeline", pipeline);
        if (ownsStack) {
            closeQuietly("local stack", stack);
        }
    }

    private static void closeQuietly(String what, AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Stopping the {} failed: {}", what, e.toString());
        }
    }
}
