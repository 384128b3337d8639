package io.temporalcdc.bench;

import static io.temporalcdc.bench.Measure.await;
import static io.temporalcdc.bench.Measure.rate;
import static io.temporalcdc.bench.Measure.seconds;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.temporalcdc.cdcsource.CdcSourceApp;
import io.temporalcdc.cdcsource.CdcSourceConfig;
import io.temporalcdc.cdcsource.DebeziumProperties;
import io.temporalcdc.cdcsource.Publications;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cdc-source against bare Debezium: the same embedded engine with the same settings, whose consumer only counts what
 * it is handed (no serialization, no Kafka), in the same JVM, on the same backlog or writer. cdc-source runs
 * in-process too (its app, its producer), in both formats.
 */
final class SourceScenarios {
    private static final Logger LOG = LoggerFactory.getLogger(SourceScenarios.class);
    private static final String VISIBILITY = "temporal_visibility.executions";

    private final LocalStack stack;
    private final Report report;

    SourceScenarios(LocalStack stack, Report report) {
        this.stack = stack;
        this.report = report;
    }

    private enum Variant {
        BARE("bare Debezium"),
        JSON("cdc-source, JSON"),
        AVRO("cdc-source, Avro");

        final String label;

        Variant(String label) {
            this.label = label;
        }
    }

    /** A drain of a backlog of {@code changes} committed while nothing consumed, two rounds of each variant. */
    void drain(int changes) throws Exception {
        String jdbcUrl = stack.postgres().createDatabase("bench_source_drain");
        SchemaMigrator.migrate(jdbcUrl, null, null);
        execute(jdbcUrl, Publications.createStatement("bench_drain"));
        List<Variant> order =
                List.of(Variant.BARE, Variant.JSON, Variant.AVRO, Variant.BARE, Variant.JSON, Variant.AVRO);
        for (int i = 0; i < order.size(); i++) {
            execute(jdbcUrl, "SELECT pg_create_logical_replication_slot('bench_drain_" + i + "', 'pgoutput')");
        }
        long start = System.nanoTime();
        new Workload(jdbcUrl).insertInBatches("bench-drain", changes, 1_000);
        LOG.info("Backlog of {} changes committed in {} s", changes, String.format("%.1f", seconds(start)));
        Map<Variant, Double> best = new HashMap<>();
        Map<Variant, Drain> bestDrains = new HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            Variant variant = order.get(i);
            Drain drain = drainOnce(variant, jdbcUrl, "bench_drain_" + i, "bench-drain-" + i, changes);
            LOG.info(
                    "{}: {} changes in {} s (first after {} s); CPU from the first change to the last: {}",
                    variant.label,
                    changes,
                    String.format("%.2f", drain.seconds()),
                    String.format("%.2f", drain.firstSeconds()),
                    drain.cpu());
            if (!best.containsKey(variant) || drain.seconds() < best.get(variant)) {
                best.put(variant, drain.seconds());
                bestDrains.put(variant, drain);
            }
        }
        double bare = best.get(Variant.BARE);
        for (Variant variant : List.of(Variant.JSON, Variant.AVRO)) {
            double took = best.get(variant);
            report.row(
                    variant.label + ", drain of a backlog of " + changes + " changes (transactions of 1,000)",
                    rate(changes, took) + " changes/s into Kafka (" + String.format("%.1f", took) + " s)",
                    "bare Debezium embedded, same settings and backlog: " + rate(changes, bare) + " changes/s ("
                            + String.format("%.1f", bare) + " s)",
                    bare / took,
                    "≥ 0.95×");
        }
        report.note("cdc-source drain: best of two rounds per variant, run in turn (bare, JSON, Avro, twice) in the"
                + " bench's JVM, each from its own slot created before the backlog was written; the bare engine's"
                + " consumer only counts and marks the records processed. Each time runs from the variant's start"
                + " (engine, and for cdc-source its producer, topics and checks) to its last change. In the best"
                + " rounds, start → first change and the CPU from the first change to the last (100% = one core of"
                + " two; the bench's JVM is the engine under test): " + describe(Variant.BARE, bestDrains) + "; "
                + describe(Variant.JSON, bestDrains) + "; "
                + describe(Variant.AVRO, bestDrains) + ".");
    }

    /** Commit → handed over (bare) / in Kafka (cdc-source) at {@code changesPerSecond}, and the slot's lag after. */
    void steady(int changesPerSecond, int seconds) throws Exception {
        String jdbcUrl = stack.postgres().createDatabase("bench_source_steady");
        SchemaMigrator.migrate(jdbcUrl, null, null);
        execute(jdbcUrl, Publications.createStatement("bench_steady"));
        Workload workload = new Workload(jdbcUrl);
        double bareP50 = Double.NaN;
        double bareP99 = Double.NaN;
        for (Variant variant : Variant.values()) {
            String slot = "bench_steady_" + variant.name().toLowerCase();
            String prefix = "bench-steady-" + variant.name().toLowerCase();
            Running running = startVariant(variant, jdbcUrl, slot, prefix);
            try {
                long written = workload.steady("bench-steady-" + variant.name(), changesPerSecond, seconds, 10, 2);
                long stopped = System.nanoTime();
                await(
                        "the slot's lag falls under 64 KB",
                        Duration.ofMillis(100),
                        () -> slotLag(jdbcUrl, slot) < 64 * 1024);
                double lagGone = seconds(stopped);
                double[] latency = running.latency();
                if (variant == Variant.BARE) {
                    bareP50 = latency[0];
                    bareP99 = latency[1];
                    report.note("bare Debezium at " + changesPerSecond + " changes/s (" + written
                            + " changes): commit → handed to the consumer p50 " + ms(latency[0]) + ", p99 "
                            + ms(latency[1]) + "; slot lag under 64 KB " + String.format("%.1f", lagGone)
                            + " s after the writes stopped.");
                    continue;
                }
                report.row(
                        variant.label + ", " + changesPerSecond + " changes/s for " + seconds + " s: commit → in Kafka",
                        "p50 " + ms(latency[0]) + ", p99 " + ms(latency[1]),
                        "bare Debezium, commit → handed over: p50 " + ms(bareP50) + ", p99 " + ms(bareP99),
                        bareP99 / latency[1],
                        "p99 ≤ 100 ms");
                report.note(
                        variant.label + " at " + changesPerSecond + " changes/s: " + written + " changes, no warm-up"
                                + " apart from the variants run before it in the same JVM (bare, JSON, Avro in turn).");
                report.row(
                        variant.label + ": slot lag after the writes stop",
                        "under 64 KB after " + String.format("%.1f", lagGone) + " s",
                        "",
                        Double.NaN,
                        "≤ 10 s");
            } finally {
                running.close();
            }
        }
    }

    /** One drain: start → last change, start → first change, and the CPU used from the first change to the last. */
    private record Drain(double seconds, double firstSeconds, String cpu) {}

    private static String describe(Variant variant, Map<Variant, Drain> drains) {
        Drain drain = drains.get(variant);
        return variant.label + " " + String.format("%.2f s", drain.firstSeconds()) + ", " + drain.cpu();
    }

    private Drain drainOnce(Variant variant, String jdbcUrl, String slot, String prefix, int changes) throws Exception {
        long start = System.nanoTime();
        try (Running running = startVariant(variant, jdbcUrl, slot, prefix)) {
            await(variant.label + " handed over its first change", Duration.ofMillis(10), () -> running.count() > 0);
            double first = seconds(start);
            CpuShares cpu = CpuShares.start();
            // progress from the app's own counter of what Kafka acknowledged (polling Kafka's offsets every few
            // milliseconds would cost the JVM under test CPU the bare engine is not charged); the offsets are checked
            // once it says done, outside the time
            await(
                    variant.label + " drained " + changes + " changes",
                    Duration.ofMillis(20),
                    () -> running.count() >= changes);
            double took = seconds(start);
            cpu.stop();
            await(
                    variant.label + "'s " + changes + " changes are in Kafka",
                    Duration.ofMillis(20),
                    () -> running.delivered() >= changes);
            return new Drain(took, first, cpu.describe());
        }
    }

    /** One consumer of the slot: the bare engine, or cdc-source in-process. */
    private interface Running extends AutoCloseable {
        /** Changes handed over (bare) or acknowledged by Kafka (cdc-source, by its own counter): cheap to poll. */
        long count() throws Exception;

        /** Changes of the visibility table handed over (bare) or in its Kafka topic (cdc-source, from its offsets). */
        default long delivered() throws Exception {
            return count();
        }

        /** p50 and p99 of commit → handed over / in Kafka, in seconds. */
        double[] latency();

        @Override
        void close() throws Exception;
    }

    private Running startVariant(Variant variant, String jdbcUrl, String slot, String prefix) throws Exception {
        Map<String, String> settings = cdcSettings(jdbcUrl, slot, prefix, variant);
        if (variant == Variant.BARE) {
            return bare(new CdcSourceConfig(settings));
        }
        EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source-bench");
        AutoCloseable app = CdcSourceApp.start(settings, ctx);
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!ctx.isReady() && ctx.failure() == null && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        String topic = Topics.table(prefix, "temporal_visibility", "executions");
        String bootstrap = stack.kafka().bootstrapServers();
        return new Running() {
            private Timer timer() {
                return ctx.registry().get("cdc.source.commit.to.kafka").timer();
            }

            @Override
            public long count() throws Exception {
                if (ctx.failure() != null) {
                    throw new IllegalStateException("cdc-source failed: " + ctx.failure());
                }
                return (long)
                        ctx.registry().get("cdc.source.records.sent").counter().count();
            }

            @Override
            public long delivered() throws Exception {
                count(); // fails if the app did
                return Measure.endOffsets(bootstrap, topic);
            }

            @Override
            public double[] latency() {
                return percentiles(timer().takeSnapshot().percentileValues());
            }

            @Override
            public void close() throws Exception {
                app.close();
            }
        };
    }

    private Map<String, String> cdcSettings(String jdbcUrl, String slot, String prefix, Variant variant) {
        URI db = URI.create(jdbcUrl.substring("jdbc:".length()));
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        settings.put("database.hostname", db.getHost());
        settings.put("database.port", Integer.toString(db.getPort()));
        settings.put("database.user", stack.postgres().user());
        settings.put("database.dbname", db.getPath().substring(1));
        settings.put("topic.prefix", prefix);
        settings.put("slot.name", slot);
        settings.put("publication.name", slot.startsWith("bench_drain") ? "bench_drain" : "bench_steady");
        settings.put("debezium.snapshot.mode", "no_data");
        settings.put("http.port", "0");
        settings.put("format", variant == Variant.AVRO ? "avro" : "json");
        settings.put("schema.registry.url", stack.schemaRegistry().url());
        return settings;
    }

    /** The engine cdc-source runs, with its properties, handing records to a consumer that only counts them. */
    private static Running bare(CdcSourceConfig config) {
        Properties props = DebeziumProperties.of(config);
        AtomicLong count = new AtomicLong();
        List<Long> latencies = java.util.Collections.synchronizedList(new ArrayList<>());
        DebeziumEngine<RecordChangeEvent<SourceRecord>> engine = DebeziumEngine.create(
                        ChangeEventFormat.of(Connect.class))
                .using(props)
                .notifying((records, committer) -> {
                    long now = System.currentTimeMillis();
                    for (RecordChangeEvent<SourceRecord> record : records) {
                        SourceRecord source = record.record();
                        if (source.topic().endsWith(VISIBILITY) && source.value() instanceof Struct value) {
                            count.incrementAndGet();
                            Struct block = value.getStruct("source");
                            if (block != null && !"r".equals(value.getString("op"))) {
                                latencies.add(now - block.getInt64("ts_ms"));
                            }
                        }
                        committer.markProcessed(record);
                    }
                    committer.markBatchFinished();
                })
                .build();
        Thread thread = Thread.ofPlatform().name("bare-debezium").start(engine);
        return new Running() {
            @Override
            public long count() {
                return count.get();
            }

            @Override
            public double[] latency() {
                List<Long> sorted;
                synchronized (latencies) {
                    sorted = new ArrayList<>(latencies);
                }
                sorted.sort(null);
                if (sorted.isEmpty()) {
                    return new double[] {Double.NaN, Double.NaN};
                }
                return new double[] {
                    sorted.get((int) (sorted.size() * 0.5)) / 1000.0,
                    sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * 0.99))) / 1000.0
                };
            }

            @Override
            public void close() throws Exception {
                engine.close();
                thread.join(Duration.ofSeconds(30));
            }
        };
    }

    private static double[] percentiles(ValueAtPercentile[] values) {
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        for (ValueAtPercentile v : values) {
            if (v.percentile() == 0.5) {
                p50 = v.value(TimeUnit.SECONDS);
            } else if (v.percentile() == 0.99) {
                p99 = v.value(TimeUnit.SECONDS);
            }
        }
        return new double[] {p50, p99};
    }

    private static long slotLag(String jdbcUrl, String slot) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                PreparedStatement ps =
                        c.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint"
                                + " FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : Long.MAX_VALUE;
            }
        }
    }

    private static void execute(String jdbcUrl, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static String ms(double seconds) {
        return Double.isNaN(seconds) ? "n/a" : String.format("%.0f ms", seconds * 1000);
    }
}
