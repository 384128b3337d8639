package io.temporalcdc.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.MirrorMaker2;
import io.temporalcdc.testsupport.OwnServers;
import io.temporalcdc.testsupport.Postgres;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/demo --regions}: two regions on the local stack. Region a is the stack (PostgreSQL, Kafka, Redis,
 * Elasticsearch); region b has a PostgreSQL cluster subscribed to a's with the seed's publication and subscription
 * ({@code schemas/…/sql/replication.sql}), a Kafka broker and a Redis of its own (and an index of its own on the
 * shared Elasticsearch). Each region runs cdc-source ({@code region=a|b}), visibility-indexer and cache-invalidator
 * over both regions' change topics; MirrorMaker 2 mirrors each region's change topics to the other; cross-region runs
 * in region b. The workload writes to a; every few seconds the replication status (lag p50/p99 and open divergences per
 * table) is shown; then the subscription is disabled for a few seconds (injected lag, measured), a row is deleted by
 * hand in b (a divergence opens) and written back (it closes); finally each region's index is compared with its own
 * database.
 */
final class RegionsDemo implements DemoMain.Run {
    /** The regions. */
    static final List<String> REGIONS = List.of("a", "b");
    /** How long the regions may disagree on a row before it is a divergence, in this demo. */
    static final Duration BOUND = Duration.ofSeconds(10);
    /** How long the subscription is disabled to show measured lag. */
    static final Duration INJECTED_LAG = Duration.ofSeconds(5);

    private static final Logger LOG = LoggerFactory.getLogger(RegionsDemo.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final String TABLE = "temporal_visibility.executions";
    private static final String MARKER = "regions-demo-marker";
    private static final Duration STEP_TIMEOUT = Duration.ofMinutes(2);

    private final DemoSettings settings;
    private final PrintStream out;
    private final Supplier<LocalStack> stackFactory;
    private final boolean ownsStack;
    private final Path regionBDir;
    private final String names;
    private final Closer closer = new Closer();
    private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
    private volatile LocalStack stack;

    /**
     * @param stackFactory region a's servers
     * @param ownsStack whether {@link #close()} stops them
     * @param regionBDir where region b's servers run
     * @param names the topic prefix, and the base of every other name (slots, application ids, indices); {@code
     *     temporal} (the apps' defaults) for {@code bin/demo}, and then region a uses the stack's own database,
     *     else a new one
     */
    RegionsDemo(
            DemoSettings settings,
            PrintStream out,
            Supplier<LocalStack> stackFactory,
            boolean ownsStack,
            Path regionBDir,
            String names) {
        this.settings = settings;
        this.out = out;
        this.stackFactory = stackFactory;
        this.ownsStack = ownsStack;
        this.regionBDir = regionBDir;
        this.names = names;
    }

    /** {@code bin/demo --regions}: on its own stack under {@code .stack/}, region b under {@code .stack/region-b}. */
    static RegionsDemo own(DemoSettings settings, PrintStream out) {
        return new RegionsDemo(settings, out, Demo::ownStack, true, Path.of(".stack", "region-b"), DEFAULT_NAMES);
    }

    /** The apps' default topic prefix. */
    static final String DEFAULT_NAMES = "temporal";

    /** @return 0 when lag was measured, the divergence opened and closed, and both indices equal their databases */
    @Override
    public int run() throws Exception {
        stack = stackFactory.get();
        if (ownsStack) {
            closer.open(stack); // closed last: everything else is opened after it
        }
        Postgres aPostgres = stack.postgres();
        String aUrl =
                names.equals(DEFAULT_NAMES) ? aPostgres.jdbcUrl() : aPostgres.createDatabase(names.replace('-', '_'));
        SchemaMigrator.migrate(aUrl, null, null);
        LOG.info("Starting region b's PostgreSQL, Kafka and Redis under {}", regionBDir);
        OwnServers bPostgres = closer.open(OwnServers.postgres(regionBDir));
        OwnServers bKafka = closer.open(OwnServers.kafka(regionBDir));
        OwnServers bRedis = closer.open(OwnServers.redis(regionBDir));
        String bUrl = bPostgres.postgres().jdbcUrl();
        SchemaMigrator.migrate(bUrl, null, null);
        // closed after the pipelines (registered before them): region a's cdc-source slot and the publication
        String aSlot = names.replace('-', '_') + "_cdc";
        closer.open(() -> {
            execute(
                    aUrl,
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + aSlot
                            + "' AND NOT active");
            execute(aUrl, "DROP PUBLICATION IF EXISTS " + publication());
        });
        // dropped before b's cluster stops (registered before the subscription exists): its slot on a goes with it
        closer.open(() -> execute(bUrl, "DROP SUBSCRIPTION IF EXISTS " + subscription()));
        subscribe(aPostgres, aUrl, bUrl);

        Path apps = stack.runDir().resolve("regions");
        PipelineSettings a =
                settings(aUrl, stack.kafka().bootstrapServers(), stack.redis().uri(), "a", apps.resolve("a"));
        PipelineSettings b =
                settings(bUrl, bKafka.kafka().bootstrapServers(), bRedis.redis().uri(), "b", apps.resolve("b"));
        Pipeline aPipeline = closer.open(new Pipeline(a, new Pipeline.Region("a", REGIONS)));
        aPipeline.startAll();
        Pipeline bPipeline = closer.open(new Pipeline(b, new Pipeline.Region("b", REGIONS)));
        bPipeline.startAll();
        Map<String, String> clusters = new LinkedHashMap<>();
        clusters.put("a", a.kafkaBootstrapServers());
        clusters.put("b", b.kafkaBootstrapServers());
        MirrorMaker2 mirror = closer.open(MirrorMaker2.start(regionBDir, clusters, a.topicPrefix() + "[.]temporal.*"));
        Deployable crossRegion = closer.open(new Deployable("cross-region", crossRegionSettings(b, names), b.logDir()));
        crossRegion.start(Pipeline.READY_TIMEOUT);
        String status = "http://127.0.0.1:" + crossRegion.httpPort() + "/replication/status";
        out.println("REGIONS " + regionsLine(a, b, aPipeline, bPipeline, mirror, status));
        out.flush();

        warmUp(aUrl, status);
        runWorkload(aUrl, status);
        double measuredLag = injectLag(aUrl, bUrl, status, b);
        boolean divergence = showDivergence(bUrl, status);
        List<String> summary = new ArrayList<>();
        boolean clean = true;
        for (Map.Entry<String, PipelineSettings> region : Map.of("a", a, "b", b).entrySet()) {
            ComparisonReport report = compare(region.getValue());
            clean &= report.isClean();
            summary.add("region " + region.getKey() + ": " + String.join("; ", report.summary()));
        }
        summary.forEach(out::println);
        out.printf(
                "REPLICATION lag of %d s injected, measured %.1f s; divergence %s%n",
                INJECTED_LAG.toSeconds(),
                measuredLag,
                divergence ? "opened by a hand delete in b and closed after the re-sync" : "NOT seen open and closed");
        out.flush();
        if (settings.keepRunning() && !closer.isClosed()) {
            LOG.info("--keep-running: both regions stay up; stop with SIGTERM or Ctrl-C");
            stopped.await();
        }
        return clean && divergence && measuredLag >= INJECTED_LAG.toSeconds() - 1 ? 0 : 1;
    }

    /** Registers what {@link #close()} stops; when the demo was stopped meanwhile (SIGTERM), stops it at once. */
    /** The seed's publication on a and subscription on b ({@code sql/replication.sql}), pointed at a. */
    private void subscribe(Postgres aPostgres, String aUrl, String bUrl) throws Exception {
        String database = URI.create(aUrl.substring("jdbc:".length())).getPath().substring(1);
        execute(
                aUrl,
                "CREATE PUBLICATION " + publication() + " FOR TABLES IN SCHEMA temporal, temporal_visibility"
                        + " WITH (publish_via_partition_root = true)");
        execute(
                bUrl,
                "CREATE SUBSCRIPTION " + subscription() + " CONNECTION 'host=127.0.0.1 port=" + aPostgres.port()
                        + " user=" + aPostgres.user() + " dbname=" + database + "' PUBLICATION " + publication()
                        + " WITH (copy_data = true, create_slot = true, enabled = true)");
    }

    /** The seed's names, {@code temporal_pub} and {@code temporal_sub}, for the default names. */
    private String publication() {
        return names.replace('-', '_') + "_pub";
    }

    private String subscription() {
        return names.replace('-', '_') + "_sub";
    }

    /**
     * A region's pipeline: the apps' default names (or ones derived from {@code names}), an index of the region's
     * own; no metrics aggregator.
     */
    private PipelineSettings settings(String jdbcUrl, String kafka, String redis, String region, Path logs) {
        String base = names.replace('-', '_');
        return new PipelineSettings(
                jdbcUrl,
                kafka,
                stack.elasticsearch().url(),
                redis,
                names,
                base + "_cdc",
                base + "_cdc",
                names + "-cdc-visibility-indexer",
                names + "-cdc-cache-invalidator",
                null,
                base + "_visibility_" + region,
                logs,
                null);
    }

    private static List<String> crossRegionSettings(PipelineSettings b, String names) {
        return List.of(
                "kafka.bootstrap.servers=" + b.kafkaBootstrapServers(),
                "application.id=" + names + "-cdc-cross-region",
                "topic.prefix=" + b.topicPrefix(),
                "regions=" + String.join(",", REGIONS),
                "local.region=b",
                "divergence.bound=" + BOUND.toSeconds() + "s",
                "divergence.check.interval=1s",
                "streams.state.dir=" + b.logDir().resolve("state-cross-region"));
    }

    private static String regionsLine(
            PipelineSettings a,
            PipelineSettings b,
            Pipeline aPipeline,
            Pipeline bPipeline,
            MirrorMaker2 mirror,
            String status) {
        ObjectNode line = JSON.createObjectNode();
        for (Map.Entry<String, Object[]> region : Map.of(
                        "a", new Object[] {a, aPipeline},
                        "b", new Object[] {b, bPipeline})
                .entrySet()) {
            PipelineSettings s = (PipelineSettings) region.getValue()[0];
            Pipeline p = (Pipeline) region.getValue()[1];
            line.putObject(region.getKey())
                    .put("postgres", s.jdbcUrl())
                    .put("kafka", s.kafkaBootstrapServers())
                    .put("redis", s.redisUri())
                    .put("elasticsearch", s.elasticsearchUrl() + "/" + s.indexPrefix())
                    .put("indexerMetrics", "http://127.0.0.1:" + p.indexer().httpPort() + "/metrics")
                    .put(
                            "invalidatorMetrics",
                            "http://127.0.0.1:" + p.invalidator().httpPort() + "/metrics");
        }
        line.put("mirrorMakerLog", mirror.logFile().toString());
        line.put("replicationStatus", status);
        return line.toString();
    }

    /**
     * Until a row written in a is seen replicated (both cdc-sources streaming, MirrorMaker 2 mirroring), so that the
     * workload's lag is shown from its first rows.
     */
    private void warmUp(String aUrl, String status) throws Exception {
        LOG.info("Waiting until a row written in a is matched in b (cdc-sources streaming, MirrorMaker 2 mirroring)");
        insert(aUrl, MARKER + "-warm-up");
        if (await(status, t -> t.path("replicated").asLong() > 0) == null) {
            LOG.warn("No row matched across the regions within {} s; going on", STEP_TIMEOUT.toSeconds());
        }
    }

    private static void insert(String jdbcUrl, String runId) throws Exception {
        execute(
                jdbcUrl,
                "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                        + " workflow_id, workflow_type_name, status, task_queue) VALUES ('regions-demo', '" + runId
                        + "', now(), now(), '" + runId + "', 'RegionsDemoWorkflow', 1, 'demo')");
    }

    private void runWorkload(String aUrl, String status) {
        long seconds = settings.duration().toSeconds();
        LOG.info(
                "Running the workload in region a for {} s at {} workflows/s; replication status every 2 s",
                seconds,
                settings.workflowsPerSecond());
        try (WorkloadGenerator generator = new WorkloadGenerator(aUrl, settings.workflowsPerSecond(), 4)) {
            generator.start();
            long started = System.nanoTime();
            while (!closer.isClosed() && System.nanoTime() - started < TimeUnit.SECONDS.toNanos(seconds)) {
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
                LOG.info("{} rows changed in a; {}", generator.rowsChanged(), describe(table(status)));
            }
            generator.stop();
        }
    }

    /**
     * The subscription disabled for {@link #INJECTED_LAG} after a row's commit: @return that row's lag, seconds, as its
     * {@code replicated} event measured it (0 when none came)
     */
    private double injectLag(String aUrl, String bUrl, String status, PipelineSettings b) throws Exception {
        LOG.info("Disabling the subscription for {} s after a row's commit in a", INJECTED_LAG.toSeconds());
        execute(bUrl, "ALTER SUBSCRIPTION " + subscription() + " DISABLE");
        LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
        insert(aUrl, MARKER);
        LockSupport.parkNanos(INJECTED_LAG.toNanos());
        execute(bUrl, "ALTER SUBSCRIPTION " + subscription() + " ENABLE");
        double lag = markerLag(b);
        LOG.info("The row's lag: {} s; {}", String.format("%.2f", lag), describe(table(status)));
        return lag;
    }

    /** @return the lag of the marker row's {@code replicated} event in b's events topic, seconds; 0 when none came */
    private double markerLag(PipelineSettings b) {
        Map<String, Object> config = Map.of(
                "bootstrap.servers",
                b.kafkaBootstrapServers(),
                "group.id",
                names + "-regions-demo-" + System.nanoTime(),
                "auto.offset.reset",
                "earliest",
                "isolation.level",
                "read_committed");
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, String>(
                config,
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.StringDeserializer())) {
            consumer.subscribe(List.of(io.temporalcdc.schemas.Topics.replicationEvents(b.topicPrefix())));
            long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
            while (!closer.isClosed() && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode event = JSON.readTree(record.value());
                    if (event.path("type").asText().equals("replicated")
                            && event.path("key").asText().contains("\"" + MARKER + "\"")) {
                        return event.path("lagMs").asLong() / 1000.0;
                    }
                }
            }
        } catch (java.io.IOException e) {
            LOG.warn("An unreadable replication event: {}", e.toString());
        }
        return 0;
    }

    /** The marker row deleted by hand in b, then written back: @return whether its divergence opened and closed */
    private boolean showDivergence(String bUrl, String status) throws Exception {
        await(status, t -> t.path("openDivergences").asInt() == 0);
        LOG.info("Deleting the marker row by hand in b (a keeps it): a divergence after {} s", BOUND.toSeconds());
        execute(
                bUrl,
                "CREATE TABLE IF NOT EXISTS public.regions_demo_kept AS SELECT * FROM temporal_visibility.executions"
                        + " WHERE run_id = '" + MARKER + "'");
        execute(bUrl, "DELETE FROM temporal_visibility.executions WHERE run_id = '" + MARKER + "'");
        JsonNode opened = await(status, t -> t.path("openDivergences").asInt() > 0);
        LOG.info("Divergence open: {}", describe(opened));
        execute(
                bUrl,
                "INSERT INTO temporal_visibility.executions SELECT * FROM public.regions_demo_kept;"
                        + " DROP TABLE public.regions_demo_kept");
        JsonNode healed = opened == null
                ? null
                : await(status, t -> t.path("openDivergences").asInt() == 0);
        LOG.info("Written back as a has it: {}", describe(healed));
        return opened != null && healed != null;
    }

    /** @return the table's status once {@code condition} holds, or null after {@link #STEP_TIMEOUT} */
    private JsonNode await(String status, Predicate<JsonNode> condition) {
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        while (!closer.isClosed() && System.nanoTime() < deadline) {
            JsonNode row = table(status);
            if (row != null && condition.test(row)) {
                return row;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
        return null;
    }

    /** @return the visibility table's row of {@code /replication/status}, null when it cannot be read */
    private static JsonNode table(String status) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create(status))
                            .timeout(Duration.ofSeconds(5))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            for (JsonNode table : JSON.readTree(response.body())) {
                if (table.path("table").asText().equals(TABLE)) {
                    return table;
                }
            }
        } catch (Exception e) {
            LOG.debug("Reading {} failed", status, e);
        }
        return null;
    }

    private static String describe(JsonNode table) {
        if (table == null) {
            return TABLE + ": no status yet";
        }
        return String.format(
                "%s: %d replicated, lag p50 %s s, p99 %s s, %d open divergences",
                TABLE,
                table.path("replicated").asLong(),
                table.path("lagP50Seconds").isNull()
                        ? "-"
                        : String.format("%.2f", table.path("lagP50Seconds").asDouble()),
                table.path("lagP99Seconds").isNull()
                        ? "-"
                        : String.format("%.2f", table.path("lagP99Seconds").asDouble()),
                table.path("openDivergences").asInt());
    }

    /** Each region's index against its own database, until equal or {@link #STEP_TIMEOUT}. */
    private ComparisonReport compare(PipelineSettings region) throws Exception {
        VisibilityComparator comparator =
                new VisibilityComparator(region.jdbcUrl(), region.elasticsearchUrl(), region.indexPrefix());
        long deadline = System.nanoTime() + STEP_TIMEOUT.toNanos();
        ComparisonReport report = comparator.compare();
        while (!report.isClean() && !closer.isClosed() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
            report = comparator.compare();
        }
        return report;
    }

    private static void execute(String jdbcUrl, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    @Override
    public boolean isClosed() {
        return closer.isClosed();
    }

    /** Stops everything it started, the newest first; safe to call twice and from the shutdown hook. */
    @Override
    public void close() {
        stopped.countDown();
        closer.closeAll();
    }
}
