package io.temporalcdc.bench;

import static io.temporalcdc.bench.Measure.await;
import static io.temporalcdc.bench.Measure.awaitCount;
import static io.temporalcdc.bench.Measure.rate;
import static io.temporalcdc.bench.Measure.seconds;
import static io.temporalcdc.bench.Measure.value;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.demo.Deployable;
import io.temporalcdc.demo.Pipeline;
import io.temporalcdc.demo.PipelineSettings;
import io.temporalcdc.demo.PrometheusText;
import io.temporalcdc.demo.WorkloadGenerator;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.testsupport.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics aggregator's scenarios: alone on a pre-filled change topic of runs over 30 days, 10 namespaces × 20
 * types, against a minimal Kafka Streams app that only decodes and counts the same records in the same run (with its
 * state size and RSS after them); and commit → visible in its API at the demo's load.
 */
final class AggregatorScenarios {
    private static final Logger LOG = LoggerFactory.getLogger(AggregatorScenarios.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGGREGATED = "metrics_aggregator_commit_to_aggregated_seconds_count";
    /** The columns the aggregator decodes (its {@code RunRow.COLUMNS}): the minimal app decodes the same. */
    private static final Set<String> COLUMNS =
            Set.of("namespace_id", "run_id", "workflow_type_name", "start_time", "close_time", "status");

    private static final double DEMO_WORKFLOWS_PER_SECOND = 20;
    private static final int DEMO_WRITER_THREADS = 4;
    private static final int WARM_UP_SECONDS = 60;
    /** The share of a pre-filled topic both apps drain before they are timed is 1 / this (a fifth). */
    private static final int WARM_UP_SHARE = 5;

    private final LocalStack stack;
    private final Path logDir;
    private final Report report;
    private final HttpClient http = HttpClient.newHttpClient();

    AggregatorScenarios(LocalStack stack, Path logDir, Report report) {
        this.stack = stack;
        this.logDir = logDir;
        this.report = report;
    }

    /**
     * The aggregator alone on {@code runs} pre-filled runs, against decode + count of the same records. Each side is a
     * cold JVM (the aggregator's own process; the minimal app's Streams and decoding code not yet run in the bench's
     * JVM): the ratio is taken over the runs after the first {@code 1 / WARM_UP_SHARE} of them, nearer to how both run
     * in a deployment, and the whole drain is reported beside it.
     */
    void alone(long runs) throws Exception {
        PipelineSettings s = settings("bench-metrics").withMetrics();
        try (Deployable cdc = Scenarios.cdcSource(s, logDir)) {
            cdc.start(Pipeline.READY_TIMEOUT);
            insertRuns(runs);
            await(
                    "the change topic holds " + runs + " records",
                    Duration.ofSeconds(1),
                    () -> endOffsets(s.visibilityTopic()) >= runs);
        }
        long warmUp = runs / WARM_UP_SHARE;
        CpuShares ceilingCpu = CpuShares.start();
        Drain ceiling = decodeAndCount(s.visibilityTopic(), runs, warmUp);
        ceilingCpu.stop();
        Deployable aggregator = new Deployable("metrics-aggregator", Pipeline.aggregatorSettings(s), logDir);
        try (aggregator) {
            aggregator.start(Pipeline.READY_TIMEOUT);
            long pid = aggregator.process().pid();
            long start = System.nanoTime();
            long jitTicksAtStart = CpuShares.compilerTicks(pid);
            RssSampler rss = RssSampler.start(pid);
            CpuShares cpu = CpuShares.start();
            Drain drain;
            CpuShares warmCpu;
            try {
                // a scrape every 100 ms to 1 s: the warm-up ends a little later than the minimal app's (polled every
                // 20 ms), and the end is seen a little late; the count and the time are read together, so each rate
                // holds, and the two biases run in opposite directions (under 1 % each)
                awaitCount("the aggregator counted " + warmUp + " runs", warmUp, () -> aggregated(aggregator));
                long scrape = System.nanoTime();
                long warmed = aggregated(aggregator);
                long warmedAt = (scrape + System.nanoTime()) / 2; // the count is read somewhere within the scrape
                long jitTicksAtWarm = CpuShares.compilerTicks(pid);
                warmCpu = CpuShares.start();
                awaitCount("the aggregator counted " + runs + " runs", runs, () -> aggregated(aggregator));
                drain = Drain.of(
                        start, warmedAt, runs - warmed, CpuShares.compilerTicks(pid), jitTicksAtStart, jitTicksAtWarm);
            } finally {
                rss.stop();
                cpu.stop();
            }
            warmCpu.stop();
            long groups = groups(aggregator.httpPort());
            report.row(
                    String.format(
                            "metrics-aggregator alone, pre-filled topic of %,d runs (30 days, 10 namespaces × 20"
                                    + " types; exactly-once), timed after the first %,d",
                            runs, warmUp),
                    drain.describe("runs"),
                    "a Kafka Streams app that only decodes (the same columns) and counts: " + ceiling.describe("runs"),
                    drain.warmRate() / ceiling.warmRate(),
                    "≥ 0.5×");
            report.note(String.format(
                    "metrics-aggregator's ratio over the whole drain, its JVM's start-up and JIT compilation included:"
                            + " %.2f×. Both apps start cold. The JIT compiler threads took, of a core, over the whole"
                            + " drain / after the first %,d runs: the aggregator's %.0f%% / %.0f%%, the minimal app's"
                            + " (the bench's JVM) %.0f%% / %.0f%%. CPU after the first %,d runs (100%% = one core): %s.",
                    ceiling.seconds() / drain.seconds(),
                    warmUp,
                    drain.jitShare(),
                    drain.warmJitShare(),
                    ceiling.jitShare(),
                    ceiling.warmJitShare(),
                    warmUp,
                    warmCpu.describe()));
            report.note(String.format(
                    "metrics-aggregator after %d runs: %d day groups; RocksDB state on disk %d MiB (the runs store"
                            + " holds every run of the window, the groups and minutes stores the aggregates); RSS max"
                            + " %d MiB, mean %d MiB; CPU meanwhile (100%% = one core): %s; during the decode-and-count"
                            + " app (in the bench's JVM): %s.",
                    runs,
                    groups,
                    directoryBytes(s.logDir().resolve("state-" + s.metricsApplicationId())) >> 20,
                    rss.maxMiB(),
                    rss.meanMiB(),
                    cpu.describe(),
                    ceilingCpu.describe()));
        }
    }

    /**
     * A drain of a pre-filled topic: its whole time, the runs counted after the warm-up and the time they took, and the
     * share of a core its JVM's JIT compiler threads took over the whole drain and after the warm-up (in %).
     */
    private record Drain(double seconds, long warmRuns, double warmSeconds, double jitShare, double warmJitShare) {
        /** The drain that started at {@code start}, was warm at {@code warmedAt} and ends now. */
        static Drain of(
                long start, long warmedAt, long warmRuns, long jitTicks, long jitTicksAtStart, long jitTicksAtWarm) {
            double seconds = Measure.seconds(start);
            double warmSeconds = Measure.seconds(warmedAt);
            return new Drain(
                    seconds,
                    warmRuns,
                    warmSeconds,
                    CpuShares.share(jitTicks - jitTicksAtStart, seconds),
                    CpuShares.share(jitTicks - jitTicksAtWarm, warmSeconds));
        }

        double warmRate() {
            return warmRuns / warmSeconds;
        }

        String describe(String unit) {
            return rate(warmRuns, warmSeconds) + " " + unit + "/s ("
                    + String.format("%,d in %.1f s", warmRuns, warmSeconds) + "; the whole drain "
                    + String.format("%.1f s", seconds) + ")";
        }
    }

    /** Commit → visible in the API while the demo's generator runs at its default rate and the four apps run. */
    void demoLoad(int seconds) throws Exception {
        PipelineSettings s = settings("bench-metrics-demo").withMetrics();
        // the four apps as the demo runs them, cdc-source from its slot's start (no snapshot of earlier scenarios)
        try (Deployable cdc = Scenarios.cdcSource(s, logDir);
                Deployable indexer = new Deployable("visibility-indexer", Pipeline.indexerSettings(s), logDir);
                Deployable invalidator = new Deployable("cache-invalidator", Pipeline.invalidatorSettings(s), logDir);
                Deployable aggregator = new Deployable("metrics-aggregator", Pipeline.aggregatorSettings(s), logDir);
                WorkloadGenerator generator = new WorkloadGenerator(
                        stack.postgres().jdbcUrl(), DEMO_WORKFLOWS_PER_SECOND, DEMO_WRITER_THREADS)) {
            for (Deployable app : List.of(cdc, indexer, invalidator, aggregator)) {
                app.start(Pipeline.READY_TIMEOUT);
            }
            generator.start();
            TimeUnit.SECONDS.sleep(WARM_UP_SECONDS);
            CpuShares cpu = CpuShares.start();
            List<Double> latencies = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            String namespace = "bench-probe-" + System.nanoTime();
            long probes = 0;
            while (System.nanoTime() < end) {
                long committed = probe(namespace, probes++);
                long expected = probes;
                await(
                        "probe " + probes + " visible",
                        Duration.ofMillis(10),
                        () -> total(aggregator.httpPort(), namespace) >= expected);
                latencies.add((System.nanoTime() - committed) / 1e9);
                TimeUnit.MILLISECONDS.sleep(500);
            }
            cpu.stop();
            generator.stop();
            latencies.sort(null);
            double p50 = latencies.get(latencies.size() / 2);
            double p99 = latencies.get((int) Math.ceil(latencies.size() * 0.99) - 1);
            double max = latencies.get(latencies.size() - 1);
            report.row(
                    "demo's default load (" + (int) DEMO_WORKFLOWS_PER_SECOND + " workflows/s, the four apps), commit"
                            + " → visible in GET /workflow-metrics (" + latencies.size() + " probe runs)",
                    String.format("p50 %.0f ms, p99 %.0f ms, max %.0f ms", p50 * 1000, p99 * 1000, max * 1000),
                    "cdc-source commit → Kafka p99 "
                            + String.format(
                                    "%.0f ms",
                                    value(PrometheusText.quantile(
                                                    cdc.metrics(), "cdc_source_commit_to_kafka_seconds", "0.99"))
                                            * 1000),
                    Double.NaN,
                    "p99 ≤ 2 s");
            report.note("aggregator at the demo's load: a probe run is inserted (own namespace, committed), then the"
                    + " API polled every 10 ms until its day counts it; CPU meanwhile " + cpu.describe() + ".");
        }
    }

    /** Inserts one probe run and returns the nano time its commit returned. */
    private long probe(String namespace, long n) throws SQLException {
        try (Connection c = DriverManager.getConnection(stack.postgres().jdbcUrl());
                PreparedStatement insert = c.prepareStatement("INSERT INTO temporal_visibility.executions"
                        + " (namespace_id, run_id, start_time, execution_time, workflow_id, workflow_type_name,"
                        + " status, history_length, task_queue) VALUES (?, ?, ?, ?, ?, 'probe', 1, 1, 'q')")) {
            LocalDateTime now = LocalDateTime.now(ZoneOffset.UTC);
            insert.setString(1, namespace);
            insert.setString(2, "probe-" + n);
            insert.setObject(3, now);
            insert.setObject(4, now);
            insert.setString(5, "probe-" + n);
            insert.executeUpdate();
            return System.nanoTime();
        }
    }

    private long total(int port, String namespace) throws Exception {
        long total = 0;
        for (JsonNode row : get(port, "/workflow-metrics?namespace=" + namespace)) {
            total += row.path("total").asLong();
        }
        return total;
    }

    private long groups(int port) throws Exception {
        long groups = 0;
        for (int n = 0; n < 10; n++) {
            groups +=
                    get(port, "/workflow-metrics?namespace=bench-metrics-" + n).size();
        }
        return groups;
    }

    private JsonNode get(int port, String pathAndQuery) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    pathAndQuery + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /**
     * {@code runs} visibility rows in 100,000-row transactions: start_time spread over the last 30 days, 10 namespaces
     * × 20 types, 70 % closed with a status from 2 to 7 and a duration of up to two hours.
     */
    private void insertRuns(long runs) throws SQLException {
        try (Connection c = DriverManager.getConnection(stack.postgres().jdbcUrl());
                Statement statement = c.createStatement()) {
            for (long from = 0; from < runs; from += 100_000) {
                long to = Math.min(runs, from + 100_000) - 1;
                statement.execute("INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time,"
                        + " execution_time, workflow_id, workflow_type_name, status, close_time, history_length,"
                        + " task_queue) SELECT 'bench-metrics-' || (i % 10), 'run-' || i, s, s, 'wf-' || i,"
                        + " 'type-' || ((i / 10) % 20), CASE WHEN i % 10 < 3 THEN 1 ELSE 2 + (i % 6) END,"
                        + " CASE WHEN i % 10 < 3 THEN NULL ELSE s + random() * interval '2 hours' END, 10, 'q'"
                        + " FROM (SELECT i, (now() AT TIME ZONE 'UTC') - random() * interval '29 days' AS s"
                        + " FROM generate_series(" + from + ", " + to + ") AS i) AS runs");
                LOG.info("inserted runs {} … {}", from, to);
            }
        }
    }

    /** A minimal Kafka Streams app (at-least-once, one thread) decoding and counting {@code runs}: its drain. */
    private Drain decodeAndCount(String topic, long runs, long warmUp) throws Exception {
        JsonChangeEventDecoder decoder = new JsonChangeEventDecoder(COLUMNS);
        AtomicLong counted = new AtomicLong();
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
                .foreach((key, value) -> {
                    decoder.decode(topic, key, value);
                    counted.incrementAndGet();
                });
        Map<String, Object> props = Map.of(
                StreamsConfig.APPLICATION_ID_CONFIG,
                "bench-decode-and-count-" + System.nanoTime(),
                StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(),
                StreamsConfig.NUM_STREAM_THREADS_CONFIG,
                1,
                StreamsConfig.STATE_DIR_CONFIG,
                Files.createTempDirectory(logDir, "decode-and-count").toString(),
                "consumer.auto.offset.reset",
                "earliest");
        try (KafkaStreams streams = new KafkaStreams(builder.build(), new StreamsConfig(props))) {
            streams.start();
            await("the minimal app is running", () -> streams.state() == KafkaStreams.State.RUNNING);
            long pid = ProcessHandle.current().pid();
            long jitTicksAtStart = CpuShares.compilerTicks(pid);
            long start = System.nanoTime();
            await("the minimal app counted " + warmUp + " records", () -> counted.get() >= warmUp);
            long warmedAt = System.nanoTime();
            long warmed = counted.get();
            long jitTicksAtWarm = CpuShares.compilerTicks(pid);
            await("the minimal app counted " + runs + " records", () -> counted.get() >= runs);
            Drain drain = Drain.of(
                    start, warmedAt, runs - warmed, CpuShares.compilerTicks(pid), jitTicksAtStart, jitTicksAtWarm);
            LOG.info("decode + count: {} records in {} s", runs, drain.seconds());
            return drain;
        }
    }

    private static long aggregated(Deployable aggregator) {
        return (long) value(PrometheusText.sum(aggregator.metrics(AGGREGATED), AGGREGATED));
    }

    private static long directoryBytes(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .mapToLong(file -> {
                        try {
                            return Files.size(file);
                        } catch (IOException e) {
                            return 0;
                        }
                    })
                    .sum();
        }
    }

    private PipelineSettings settings(String name) throws IOException {
        return Scenarios.settings(stack, logDir, name);
    }

    private long endOffsets(String topic) throws Exception {
        return Measure.endOffsets(stack.kafka().bootstrapServers(), topic);
    }
}
