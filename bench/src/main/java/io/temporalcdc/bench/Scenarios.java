package io.temporalcdc.bench;

import static io.temporalcdc.bench.Measure.await;
import static io.temporalcdc.bench.Measure.median;
import static io.temporalcdc.bench.Measure.rate;
import static io.temporalcdc.bench.Measure.seconds;
import static io.temporalcdc.bench.Measure.value;
import static io.temporalcdc.bench.Measure.worst;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.demo.Deployable;
import io.temporalcdc.demo.Pipeline;
import io.temporalcdc.demo.PipelineSettings;
import io.temporalcdc.demo.PrometheusText;
import io.temporalcdc.indexer.verify.ExpectedDocuments;
import io.temporalcdc.testsupport.LocalStack;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The scenarios, each on its own topics, slot, application id, index and namespace. */
final class Scenarios {
    private static final Logger LOG = LoggerFactory.getLogger(Scenarios.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BULK = 500;
    private static final String INDEXED = "visibility_indexer_documents_indexed_total";
    private static final String LATENCY = "visibility_indexer_commit_to_indexed_seconds";
    private static final String CDC_LATENCY = "cdc_source_commit_to_kafka_seconds";

    private final LocalStack stack;
    private final Path logDir;
    private final Report report;
    private final Es es;
    private final Workload workload;

    Scenarios(LocalStack stack, Path logDir, Report report) {
        this.stack = stack;
        this.logDir = logDir;
        this.report = report;
        this.es = new Es(stack.elasticsearch().url());
        this.workload = new Workload(stack.postgres().jdbcUrl());
    }

    /** The indexer alone on a pre-filled change topic, against raw {@code _bulk} of the same documents. */
    void indexerAlone(long records) throws Exception {
        PipelineSettings s = settings("bench-alone");
        String namespace = "bench-alone";
        try (Deployable cdc = cdcSource(s, logDir)) {
            cdc.start(Pipeline.READY_TIMEOUT);
            long start = System.nanoTime();
            workload.insertInBatches(namespace, records, 5_000);
            double inserted = seconds(start);
            await("the change topic holds " + records + " records", () -> endOffsets(s.visibilityTopic()) >= records);
            double captured = seconds(start);
            report.row(
                    "cdc-source, " + records + " rows in transactions of 5,000",
                    rate(records, captured) + " changes/s into Kafka",
                    "PostgreSQL inserted them at " + rate(records, inserted) + " rows/s",
                    inserted / captured,
                    "(context)");
        }
        List<Map.Entry<String, ObjectNode>> docs = documents(namespace);
        warmUp(docs);
        double sequential = ceiling(s.indexPrefix() + "_ceiling1", docs, 1);
        CpuShares ceilingCpu = CpuShares.start();
        double parallel = ceiling(s.indexPrefix() + "_ceiling4", docs, 4);
        ceilingCpu.stop();
        try (Deployable indexer = new Deployable("visibility-indexer", Pipeline.indexerSettings(s), logDir)) {
            indexer.start(Pipeline.READY_TIMEOUT);
            long start = System.nanoTime();
            RssSampler rss = RssSampler.start(indexer.process().pid());
            CpuShares cpu = CpuShares.start();
            long[] lastLog = {System.nanoTime()};
            Measure.awaitCount("the indexer acknowledged " + records + " documents", records, () -> {
                long indexed = indexed(indexer);
                if (System.nanoTime() - lastLog[0] > 2_000_000_000L) {
                    lastLog[0] = System.nanoTime();
                    LOG.info(
                            "{} s: row changes repartitioned {}, documents written {}, acknowledged {}",
                            String.format("%.1f", seconds(start)),
                            endOffsets(s.applicationId() + "-row-changes-repartition"),
                            endOffsets(io.temporalcdc.schemas.Topics.visibilityDocuments(s.topicPrefix())),
                            indexed);
                }
                return indexed;
            });
            double took = seconds(start);
            rss.stop();
            cpu.stop();
            double best = Math.min(sequential, parallel);
            report.row(
                    "indexer alone, pre-filled topic of " + records + " change records",
                    rate(records, took) + " docs/s (" + String.format("%.1f", took) + " s)",
                    "raw _bulk of the same documents, " + BULK + " per request: " + rate(records, sequential)
                            + " docs/s one request at a time, " + rate(records, parallel) + " docs/s 4 in flight",
                    best / took,
                    "≥ 0.8×");
            report.note("indexer alone: RSS max " + rss.maxMiB() + " MiB, mean " + rss.meanMiB()
                    + " MiB while catching up; the ratio is against the faster of the two raw _bulk runs. CPU meanwhile"
                    + " (100% = one core): " + cpu.describe() + "; during the raw _bulk 4 in flight: "
                    + ceilingCpu.describe() + ".");
        }
    }

    /** A burst of rows committed in one transaction: commit → all searchable, against raw {@code _bulk}. */
    void burst(int rows) throws Exception {
        PipelineSettings s = settings("bench-burst");
        try (Deployable cdc = cdcSource(s, logDir);
                Deployable indexer = new Deployable("visibility-indexer", Pipeline.indexerSettings(s), logDir)) {
            cdc.start(Pipeline.READY_TIMEOUT);
            indexer.start(Pipeline.READY_TIMEOUT);
            // a smaller burst first, so the JVMs are warm as they are in a running deployment
            String warm = "bench-burst-warm";
            workload.insert(warm, 0, rows / 4 - 1);
            await("the warm-up burst is searchable", () -> es.countNamespace(s.indexPrefix(), warm) >= rows / 4);

            String namespace = "bench-burst";
            CpuShares cpu = CpuShares.start();
            workload.insert(namespace, 0, rows - 1);
            long committed = System.nanoTime();
            await("the burst is in Kafka", () -> endOffsets(s.visibilityTopic()) >= rows + rows / 4);
            double inKafka = seconds(committed);
            await("the burst is searchable", () -> es.countNamespace(s.indexPrefix(), namespace) >= rows);
            double pipeline = seconds(committed);
            cpu.stop();
            report.note(String.format(
                    "burst: all %d changes were in Kafka %.2f s after the commit (cdc-source), searchable after %.2f s;"
                            + " CPU meanwhile: %s.",
                    rows, inKafka, pipeline, cpu.describe()));

            List<Map.Entry<String, ObjectNode>> docs = documents(namespace);
            String index = s.indexPrefix() + "_ceiling";
            es.createIndex(index, 1, 0, "1s");
            long start = System.nanoTime();
            es.bulk(index, docs, BULK, 1);
            await("the raw _bulk burst is searchable", () -> es.count(index) >= rows);
            double ceiling = seconds(start);
            report.row(
                    "burst of " + rows + " rows in one transaction, commit → all searchable",
                    String.format("%.2f s (%s docs/s)", pipeline, rate(rows, pipeline)),
                    String.format(
                            "raw _bulk of the same documents until searchable: %.2f s (%s docs/s)",
                            ceiling, rate(rows, ceiling)),
                    ceiling / pipeline,
                    "≥ 0.5×");
        }
    }

    /** Steady load through the whole pipeline: commit → acknowledged latency, next to commit → Kafka beneath it. */
    void steady(int rate, int seconds) throws Exception {
        PipelineSettings s = settings("bench-steady");
        int warmUp = 30;
        try (Deployable cdc = cdcSource(s, logDir);
                Deployable indexer = new Deployable("visibility-indexer", Pipeline.indexerSettings(s), logDir)) {
            cdc.start(Pipeline.READY_TIMEOUT);
            indexer.start(Pipeline.READY_TIMEOUT);
            CompletableFuture<Long> load = new CompletableFuture<>();
            Thread.ofPlatform().name("steady-load").start(() -> {
                try {
                    load.complete(workload.steady("bench-steady", rate, warmUp + seconds, 10, 4));
                } catch (Exception e) {
                    load.completeExceptionally(e);
                }
            });
            TimeUnit.SECONDS.sleep(warmUp);
            RssSampler rss = RssSampler.start(indexer.process().pid());
            CpuShares cpu = CpuShares.start();
            List<double[]> samples = new ArrayList<>();
            while (!load.isDone()) {
                TimeUnit.SECONDS.sleep(5);
                String metrics = indexer.metrics();
                samples.add(new double[] {
                    value(PrometheusText.quantile(metrics, LATENCY, "0.5")),
                    value(PrometheusText.quantile(metrics, LATENCY, "0.99")),
                    value(PrometheusText.sum(metrics, LATENCY + "_max")),
                    value(PrometheusText.quantile(cdc.metrics(), CDC_LATENCY, "0.99"))
                });
                double[] last = samples.get(samples.size() - 1);
                LOG.info(
                        "steady: commit→acknowledged p50 {} ms p99 {} ms max {} ms; commit→Kafka p99 {} ms; RSS {} MiB",
                        Math.round(last[0] * 1000),
                        Math.round(last[1] * 1000),
                        Math.round(last[2] * 1000),
                        Math.round(last[3] * 1000),
                        rss.maxMiB());
            }
            long changes = load.join();
            rss.stop();
            cpu.stop();
            double p50 = median(samples, 0);
            double p99 = worst(samples, 1);
            double max = worst(samples, 2);
            double cdcP99 = worst(samples, 3);
            report.row(
                    rate + " visibility changes/s for " + seconds + " s (" + changes
                            + " changes), commit → acknowledged",
                    String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50 * 1000, p99 * 1000, max * 1000),
                    String.format("cdc-source commit → Kafka p99 %.0f ms", cdcP99 * 1000),
                    Double.NaN,
                    "p99 ≤ 1 s");
            report.row(
                    "indexer RSS at " + rate + " changes/s",
                    rss.maxMiB() + " MiB max, " + rss.meanMiB() + " MiB mean",
                    "heap limit 384 MiB (-Xmx)",
                    Double.NaN,
                    "≤ 600 MB");
            report.note("steady: p50 is the median and p99/max the worst of the 5-s samples of the indexer's"
                    + " commit→acknowledged timer (a ~30 s window), after a " + warmUp + " s warm-up. CPU meanwhile: "
                    + cpu.describe() + ".");
        }
    }

    private PipelineSettings settings(String name) throws IOException {
        return settings(stack, logDir, name);
    }

    /** One scenario's names, all derived from {@code name}, on the bench's stack. */
    static PipelineSettings settings(LocalStack stack, Path logDir, String name) throws IOException {
        Files.createDirectories(logDir);
        return PipelineSettings.named(
                name,
                stack.postgres().jdbcUrl(),
                stack.kafka().bootstrapServers(),
                stack.elasticsearch().url(),
                stack.redis().uri(),
                logDir);
    }

    /** cdc-source for one scenario: its slot starts where it is created, so no earlier rows are snapshotted. */
    static Deployable cdcSource(PipelineSettings s, Path logDir) {
        List<String> settings = new ArrayList<>(Pipeline.cdcSourceSettings(s));
        settings.add("debezium.snapshot.mode=no_data");
        return new Deployable("cdc-source", settings, logDir);
    }

    private List<Map.Entry<String, ObjectNode>> documents(String namespace) throws Exception {
        Map<String, ObjectNode> expected =
                new ExpectedDocuments(stack.postgres().jdbcUrl(), JSON, "namespace_id = '" + namespace + "'").load();
        return new ArrayList<>(expected.entrySet());
    }

    /** Elasticsearch indexes a few batches into a scratch index first, so no measurement meets it cold. */
    private void warmUp(List<Map.Entry<String, ObjectNode>> docs) throws Exception {
        String index = "bench-warm-up-" + System.nanoTime();
        es.createIndex(index, 1, 0, "1s");
        es.bulk(index, docs.subList(0, Math.min(docs.size(), 20_000)), BULK, 2);
    }

    private double ceiling(String index, List<Map.Entry<String, ObjectNode>> docs, int inFlight) throws Exception {
        es.createIndex(index, 1, 0, "1s");
        double took = es.bulk(index, docs, BULK, inFlight);
        LOG.info("raw _bulk, {} in flight: {} docs in {} s", inFlight, docs.size(), took);
        return took;
    }

    private long indexed(Deployable indexer) {
        return (long) value(PrometheusText.sum(indexer.metrics(INDEXED), INDEXED));
    }

    private long endOffsets(String topic) throws Exception {
        return Measure.endOffsets(stack.kafka().bootstrapServers(), topic);
    }
}
