package io.temporalcdc.bench;

import static io.temporalcdc.bench.Measure.await;
import static io.temporalcdc.bench.Measure.median;
import static io.temporalcdc.bench.Measure.rate;
import static io.temporalcdc.bench.Measure.seconds;
import static io.temporalcdc.bench.Measure.value;
import static io.temporalcdc.bench.Measure.worst;

import io.temporalcdc.demo.Deployable;
import io.temporalcdc.demo.Pipeline;
import io.temporalcdc.demo.PipelineSettings;
import io.temporalcdc.demo.PrometheusText;
import io.temporalcdc.demo.WorkloadGenerator;
import io.temporalcdc.testsupport.LocalStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache-invalidator's scenarios: alone on a pre-filled change topic against {@code redis-benchmark}'s pipelined
 * UNLINK on the same Redis, and commit → key gone under the demo's load and under a steady 1,000 changes/s.
 */
final class InvalidatorScenarios {
    private static final Logger LOG = LoggerFactory.getLogger(InvalidatorScenarios.class);
    private static final String INVALIDATIONS = "cache_invalidator_invalidations_total";
    private static final String LATENCY = "cache_invalidator_commit_to_invalidated_seconds";
    private static final String REDIS_TIME = "cache_invalidator_redis_seconds";
    private static final String CDC_LATENCY = "cdc_source_commit_to_kafka_seconds";
    private static final int PIPELINE_DEPTH = 100;
    private static final long CEILING_REQUESTS = 2_000_000;
    /** The demo's default load and writer threads ({@code bin/demo} without options). */
    private static final double DEMO_WORKFLOWS_PER_SECOND = 20;

    private static final int DEMO_WRITER_THREADS = 4;
    /** Longer than the latency timer's window (30 s), so no sample holds the first seconds of the JVMs' load. */
    private static final int WARM_UP_SECONDS = 60;

    private final LocalStack stack;
    private final Path logDir;
    private final Report report;
    private final Workload workload;

    InvalidatorScenarios(LocalStack stack, Path logDir, Report report) {
        this.stack = stack;
        this.logDir = logDir;
        this.report = report;
        this.workload = new Workload(stack.postgres().jdbcUrl());
    }

    /** The invalidator alone on a pre-filled visibility change topic (one key per record), against raw UNLINK. */
    void alone(long records) throws Exception {
        PipelineSettings s = settings("bench-invalidator");
        try (Deployable cdc = Scenarios.cdcSource(s, logDir)) {
            cdc.start(Pipeline.READY_TIMEOUT);
            workload.insertInBatches("bench-invalidator", records, 5_000);
            await("the change topic holds " + records + " records", () -> endOffsets(s.visibilityTopic()) >= records);
        }
        CpuShares ceilingCpu = CpuShares.start();
        double oneClient = redisBenchmark(records, 1);
        double fourClients = redisBenchmark(records, 4);
        ceilingCpu.stop();
        double ceiling = Math.max(oneClient, fourClients);
        double readOnly = records / Measure.readAll(stack.kafka().bootstrapServers(), s.visibilityTopic(), records);
        LOG.info("a plain consumer read the {} records at {} records/s", records, rate((long) readOnly, 1));
        try (Deployable invalidator = invalidator(s)) {
            invalidator.start(Pipeline.READY_TIMEOUT);
            long start = System.nanoTime();
            RssSampler rss = RssSampler.start(invalidator.process().pid());
            CpuShares cpu = CpuShares.start();
            Measure.awaitCount(
                    "the invalidator acknowledged " + records + " invalidations",
                    records,
                    () -> invalidations(invalidator));
            double took = seconds(start);
            rss.stop();
            cpu.stop();
            String metrics = invalidator.metrics();
            double batches = value(PrometheusText.sum(metrics, REDIS_TIME + "_count"));
            double inRedis = value(PrometheusText.sum(metrics, REDIS_TIME + "_sum"));
            report.row(
                    "cache-invalidator alone, pre-filled topic of " + records + " change records (one key each)",
                    rate(records, took) + " keys/s unlinked and fenced (" + String.format("%.1f", took) + " s)",
                    "redis-benchmark UNLINK, " + PIPELINE_DEPTH + " pipelined: " + rate((long) oneClient, 1)
                            + " keys/s one client, " + rate((long) fourClients, 1) + " keys/s 4 clients",
                    records / took / ceiling,
                    "≥ 0.5×");
            report.note(String.format(
                    "cache-invalidator alone: %.0f Redis batches (the fence script over chunks of 200 keys, pipelined,"
                            + " up to 4 batches in flight) of %.1f ms each on average; RSS max %d MiB, mean %d MiB; CPU"
                            + " meanwhile (100%% = one core): %s.",
                    batches, inRedis / batches * 1000, rss.maxMiB(), rss.meanMiB(), cpu.describe()));
            report.note(String.format(
                    "cache-invalidator's bound: one plain Kafka consumer with default settings that only reads the"
                            + " same %d records (no decoding, no Redis; one thread in the bench's JVM) does %s records/s,"
                            + " %.2f× the redis-benchmark ceiling (%.2f× its 0.5× goal). While redis-benchmark ran (itself not"
                            + " one of the parts; the machine's busy share counts it): %s.",
                    records,
                    rate((long) readOnly, 1),
                    readOnly / ceiling,
                    readOnly / (ceiling * 0.5),
                    ceilingCpu.describe()));
        }
    }

    /** Commit → key gone while the demo's own workload generator runs at its default rate. */
    void demoLoad(int seconds) throws Exception {
        PipelineSettings s = settings("bench-invalidator-demo");
        try (WorkloadGenerator generator =
                new WorkloadGenerator(stack.postgres().jdbcUrl(), DEMO_WORKFLOWS_PER_SECOND, DEMO_WRITER_THREADS)) {
            Latencies latencies = latencyUnder(s, seconds, generator::start, () -> true);
            generator.stop();
            long rows = generator.rowsChanged();
            report.row(
                    "demo's default load (" + (int) DEMO_WORKFLOWS_PER_SECOND + " workflows/s, " + rows
                            + " row changes over all tables in " + (WARM_UP_SECONDS + seconds)
                            + " s), commit → key gone",
                    latencies.figure(),
                    latencies.beneath(),
                    Double.NaN,
                    "p99 ≤ 500 ms");
            report.note("invalidator at the demo's load: CPU meanwhile " + latencies.cpu() + ".");
        }
    }

    /** Commit → key gone under a steady rate of visibility changes (each one key). */
    void steady(int rate, int seconds) throws Exception {
        PipelineSettings s = settings("bench-invalidator-steady");
        CompletableFuture<Long> load = new CompletableFuture<>();
        Runnable start = () -> Thread.ofPlatform().name("invalidator-load").start(() -> {
            try {
                load.complete(workload.steady("bench-invalidator-steady", rate, WARM_UP_SECONDS + seconds, 10, 4));
            } catch (Exception e) {
                load.completeExceptionally(e);
            }
        });
        Latencies latencies = latencyUnder(s, seconds, start, () -> !load.isDone());
        long changes = load.join();
        report.row(
                rate + " visibility changes/s for " + seconds + " s (" + changes + " changes), commit → key gone",
                latencies.figure(),
                latencies.beneath(),
                Double.NaN,
                "p99 ≤ 500 ms");
        report.note("invalidator at " + rate + " changes/s: CPU meanwhile " + latencies.cpu() + ".");
    }

    /** The invalidator's commit → invalidated under a load, and commit → Kafka beneath it. */
    private record Latencies(double p50, double p99, double max, double cdcP99, String cpu) {
        String figure() {
            return String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50 * 1000, p99 * 1000, max * 1000);
        }

        String beneath() {
            return String.format("cdc-source commit → Kafka p99 %.0f ms", cdcP99 * 1000);
        }
    }

    private interface Running {
        boolean still();
    }

    /**
     * Runs cdc-source, the indexer and the invalidator (the product as the demo deploys it), starts the load, waits
     * out the warm-up and samples the invalidator's commit → invalidated timer (a ~30 s window) every 5 s, for
     * {@code seconds} or until the load ends: p50 is the median of the samples, p99 and max their worst.
     */
    private Latencies latencyUnder(PipelineSettings s, int seconds, Runnable start, Running running) throws Exception {
        try (Deployable cdc = Scenarios.cdcSource(s, logDir);
                Deployable indexer = new Deployable("visibility-indexer", Pipeline.indexerSettings(s), logDir);
                Deployable invalidator = invalidator(s)) {
            cdc.start(Pipeline.READY_TIMEOUT);
            indexer.start(Pipeline.READY_TIMEOUT);
            invalidator.start(Pipeline.READY_TIMEOUT);
            start.run();
            TimeUnit.SECONDS.sleep(WARM_UP_SECONDS);
            CpuShares cpu = CpuShares.start();
            List<double[]> samples = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end && running.still()) {
                TimeUnit.SECONDS.sleep(5);
                samples.add(sample(invalidator, cdc));
            }
            cpu.stop();
            return new Latencies(
                    median(samples, 0), worst(samples, 1), worst(samples, 2), worst(samples, 3), cpu.describe());
        }
    }

    private static double[] sample(Deployable invalidator, Deployable cdc) {
        String metrics = invalidator.metrics();
        double[] sample = {
            value(PrometheusText.quantile(metrics, LATENCY, "0.5")),
            value(PrometheusText.quantile(metrics, LATENCY, "0.99")),
            value(PrometheusText.sum(metrics, LATENCY + "_max")),
            value(PrometheusText.quantile(cdc.metrics(), CDC_LATENCY, "0.99"))
        };
        LOG.info(
                "commit→invalidated p50 {} ms p99 {} ms max {} ms; cdc-source commit→Kafka p99 {} ms",
                Math.round(sample[0] * 1000),
                Math.round(sample[1] * 1000),
                Math.round(sample[2] * 1000),
                Math.round(sample[3] * 1000));
        return sample;
    }

    /**
     * {@code redis-benchmark}'s pipelined UNLINK of random keys of a key space as large as the topic, in keys/s; at
     * least two million requests, so the run lasts long enough to measure.
     */
    private double redisBenchmark(long records, int clients) throws Exception {
        long requests = Math.max(records, CEILING_REQUESTS);
        List<String> command = List.of(
                "redis-benchmark",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(stack.redis().port()),
                "-n",
                Long.toString(requests),
                "-r",
                Long.toString(records),
                "-P",
                Integer.toString(PIPELINE_DEPTH),
                "-c",
                Integer.toString(clients),
                "--csv",
                "UNLINK",
                "wf_meta:bench-ceiling:__rand_int__");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("redis-benchmark failed: " + output);
        }
        // the CSV's last line: "UNLINK wf_meta:...","<requests per second>",...
        String[] lines = output.strip().split("\n");
        String[] fields = lines[lines.length - 1].split("\",\"");
        double perSecond = Double.parseDouble(fields[1].replace("\"", ""));
        LOG.info("redis-benchmark UNLINK, {} pipelined, {} client(s): {} keys/s", PIPELINE_DEPTH, clients, perSecond);
        return perSecond;
    }

    private PipelineSettings settings(String name) throws IOException {
        return Scenarios.settings(stack, logDir, name);
    }

    private Deployable invalidator(PipelineSettings s) {
        return new Deployable("cache-invalidator", Pipeline.invalidatorSettings(s), logDir);
    }

    private static long invalidations(Deployable invalidator) {
        return (long) value(PrometheusText.sum(invalidator.metrics(INVALIDATIONS), INVALIDATIONS));
    }

    private long endOffsets(String topic) throws Exception {
        return Measure.endOffsets(stack.kafka().bootstrapServers(), topic);
    }
}
