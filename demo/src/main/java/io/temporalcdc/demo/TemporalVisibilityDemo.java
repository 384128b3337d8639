package io.temporalcdc.demo;

import io.temporalcdc.indexer.temporal.TemporalAttributes;
import io.temporalcdc.indexer.temporal.TemporalDocumentRules;
import io.temporalcdc.indexer.verify.ComparisonReport;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.indexer.verify.TemporalExpectedDocuments;
import io.temporalcdc.indexer.verify.VisibilityComparator;
import io.temporalcdc.schemas.TemporalSqlVisibility;
import io.temporalcdc.testsupport.LocalStack;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/demo --temporal}: the Temporal-compatible profile on the local stack. Temporal's own SQL visibility table
 * ({@code executions_visibility}, schema v12) in a database of its own, filled first with existing runs; cdc-source and
 * the indexer with {@code source.profile=temporal-v12}; the initial snapshot backfills the index Temporal's
 * Elasticsearch visibility would read; then a Temporal-shaped workload writes the table as Temporal's SQL visibility
 * store does (growing task ids, versioned upserts, late upserts refused by PostgreSQL, retention deletes) while
 * streaming keeps the index current; finally the index is compared with the table by the SQL oracle ({@code temporal-cdc
 * verify}'s) and every document is checked against Temporal's reader's type rules.
 */
final class TemporalVisibilityDemo implements DemoMain.Run {
    /** The index, named as Temporal's development configuration names it. */
    static final String INDEX = "temporal_visibility_v1_dev";
    /** Temporal's visibility database's name in its own setups. */
    static final String DATABASE = "temporal_visibility";
    /** A namespace id of the workload. */
    static final String NAMESPACE_ID = "2f5c0d8e-6a1b-4c3d-9e7f-0a1b2c3d4e5f";

    private static final Logger LOG = LoggerFactory.getLogger(TemporalVisibilityDemo.class);
    private static final Duration BACKFILL = Duration.ofSeconds(10);
    private static final Duration STATUS_EVERY = Duration.ofSeconds(5);
    /** About how long a run stays open: the workload closes the oldest beyond this many seconds' worth. */
    private static final int OPEN_SECONDS = 5;

    private final DemoSettings settings;
    private final PrintStream out;
    private final Supplier<LocalStack> stackFactory;
    private final boolean ownsStack;
    private final String names;
    private final Closer closer = new Closer();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<TemporalVisibilityRows.Run> open = new ArrayList<>();
    private final List<TemporalVisibilityRows.Run> finished = new ArrayList<>();
    private volatile LocalStack stack;
    private int started;
    private long refused;
    private long deleted;

    /**
     * @param names the topic prefix and the base of every other name; {@code temporal} for {@code bin/demo}, which then
     *     names the database {@value #DATABASE} and the index {@value #INDEX}
     */
    TemporalVisibilityDemo(
            DemoSettings settings,
            PrintStream out,
            Supplier<LocalStack> stackFactory,
            boolean ownsStack,
            String names) {
        this.settings = settings;
        this.out = out;
        this.stackFactory = stackFactory;
        this.ownsStack = ownsStack;
        this.names = names;
    }

    /** {@code bin/demo --temporal}: on its own stack under {@code .stack/}. */
    static TemporalVisibilityDemo own(DemoSettings settings, PrintStream out) {
        return new TemporalVisibilityDemo(settings, out, Demo::ownStack, true, RegionsDemo.DEFAULT_NAMES);
    }

    private boolean defaults() {
        return names.equals(RegionsDemo.DEFAULT_NAMES);
    }

    String index() {
        return defaults() ? INDEX : names.replace('_', '-') + "-temporal-visibility";
    }

    /** @return 0 when the index equals the table after the backfill and after the drain, and Temporal reads it all */
    @Override
    public int run() throws Exception {
        stack = stackFactory.get();
        if (ownsStack) {
            closer.open(stack); // closed last: everything else is opened after it
        }
        String database = defaults() ? DATABASE : names.replace('-', '_') + "_visibility";
        String jdbcUrl = stack.postgres().createDatabase(database);
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            TemporalSqlVisibility.create(c, "public");
            LOG.info(
                    "Writing {} s of Temporal's visibility rows before the pipeline starts (the backfill)",
                    BACKFILL.toSeconds());
            for (long second = 0; second < BACKFILL.toSeconds(); second++) {
                writeOneSecond(c);
            }
        }
        String slot = names.replace('-', '_') + "_visibility_cdc";
        closer.open(() -> dropSlotAndPublication(jdbcUrl, slot));
        Path logDir = stack.runDir().resolve("temporal-visibility");
        String registry = settings.avro() ? stack.schemaRegistry().url() : "";
        Deployable source = closer.open(new Deployable(
                "cdc-source",
                List.of(
                        "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                        "database.hostname=" + stack.postgres().host(),
                        "database.port=" + stack.postgres().port(),
                        "database.user=" + stack.postgres().user(),
                        "database.dbname=" + database,
                        "topic.prefix=" + names,
                        "slot.name=" + slot,
                        "publication.name=" + slot,
                        "format=" + (settings.avro() ? "avro" : "json"),
                        "schema.registry.url=" + registry,
                        "source.profile=temporal-v12"),
                logDir));
        Deployable indexer = closer.open(new Deployable(
                "visibility-indexer",
                List.of(
                        "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                        "elasticsearch.url=" + stack.elasticsearch().url(),
                        "topic.prefix=" + names,
                        "application.id=" + names + "-temporal-visibility-indexer",
                        "schema.registry.url=" + registry,
                        "source.profile=temporal-v12",
                        "temporal.index.name=" + index(),
                        "temporal.history.shards=4",
                        "index.refresh.interval=1s",
                        "streams.commit.interval.ms=1000",
                        "streams.state.dir=" + logDir.resolve("state")),
                logDir));
        long startedAt = System.nanoTime();
        source.start(Pipeline.READY_TIMEOUT);
        indexer.start(Pipeline.READY_TIMEOUT);
        out.println("TEMPORAL-VISIBILITY {\"postgres\":\"" + jdbcUrl + "\",\"table\":\"public.executions_visibility\","
                + "\"elasticsearch\":\"" + stack.elasticsearch().url() + "\",\"index\":\"" + index()
                + "\",\"indexerMetrics\":\"http://127.0.0.1:" + indexer.httpPort() + "/metrics\"}");
        out.flush();
        ComparisonReport backfill = untilClean(jdbcUrl, settings.drainTimeout());
        out.println(String.format(
                "BACKFILL %s: %d rows written before the pipeline started, indexed by the initial snapshot in %.1f s",
                backfill.isClean() ? "CLEAN" : "DIFFERENT", backfill.rows(), (System.nanoTime() - startedAt) / 1e9));
        out.flush();
        runWorkload(jdbcUrl);
        LOG.info(
                "Draining (up to {} s) and comparing every row with its document",
                settings.drainTimeout().toSeconds());
        ComparisonReport report = untilClean(jdbcUrl, settings.drainTimeout());
        report.summary().forEach(out::println);
        int unreadable = unreadableDocuments();
        out.println("TEMPORAL-READER " + (unreadable == 0 ? "OK" : "FAILED") + ": " + report.documents()
                + " documents checked against Temporal's reader's type rules (ParseESDoc), " + unreadable + " refused; "
                + refused + " late upserts refused by PostgreSQL, " + deleted + " retention deletes; check it yourself:"
                + " bin/temporal-cdc verify --profile temporal-v12 --jdbc '" + jdbcUrl + "' --elasticsearch "
                + stack.elasticsearch().url() + " --index " + index());
        out.flush();
        if (settings.keepRunning() && !closer.isClosed()) {
            LOG.info(
                    "--keep-running: servers and apps stay up (run dir {}); stop with SIGTERM or Ctrl-C",
                    stack.runDir());
            stopped.await();
        }
        return backfill.isClean() && report.isClean() && unreadable == 0 ? 0 : 1;
    }

    private void runWorkload(String jdbcUrl) throws SQLException {
        long seconds = settings.duration().toSeconds();
        LOG.info(
                "Writing Temporal's visibility rows for {} s at {} workflows/s",
                seconds,
                settings.workflowsPerSecond());
        long begin = System.nanoTime();
        long nextStatus = STATUS_EVERY.toSeconds();
        try (Connection c = DriverManager.getConnection(jdbcUrl)) {
            for (long second = 0; second < seconds && !closer.isClosed(); second++) {
                long due = begin + TimeUnit.SECONDS.toNanos(second);
                LockSupport.parkNanos(Math.max(0, due - System.nanoTime()));
                writeOneSecond(c);
                if (second + 1 >= nextStatus) {
                    nextStatus += STATUS_EVERY.toSeconds();
                    LOG.info(
                            "{} s: {} runs started, {} open, {} closed, {} late upserts refused, {} deleted",
                            second + 1,
                            started,
                            open.size(),
                            finished.size(),
                            refused,
                            deleted);
                }
            }
        }
    }

    /**
     * One second of Temporal: new runs, a search-attribute upsert of half the open ones' worth, closes, a late upsert
     * of an older task (refused), and retention deletes of the oldest closed runs.
     */
    private void writeOneSecond(Connection c) throws SQLException {
        int rate = Math.max(1, (int) Math.round(settings.workflowsPerSecond()));
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < rate; i++) {
            TemporalVisibilityRows.Run run = TemporalVisibilityRows.newRun(NAMESPACE_ID, started++);
            TemporalVisibilityRows.start(c, run);
            open.add(run);
        }
        for (int i = 0; i < rate / 2 && !open.isEmpty(); i++) {
            TemporalVisibilityRows.progress(c, open.get(random.nextInt(open.size())));
        }
        for (int i = 0; i < rate && open.size() > OPEN_SECONDS * rate; i++) {
            TemporalVisibilityRows.Run run = open.remove(0);
            TemporalVisibilityRows.close(c, run, 2 + random.nextInt(6));
            finished.add(run);
            if (random.nextInt(10) == 0) {
                refused += 1 - TemporalVisibilityRows.staleUpsert(c, run);
            }
        }
        for (int i = 0; i < rate / 10 && finished.size() > 2 * rate; i++) {
            deleted += TemporalVisibilityRows.delete(c, finished.remove(0));
        }
    }

    private ComparisonReport untilClean(String jdbcUrl, Duration timeout) throws Exception {
        TemporalExpectedDocuments table = new TemporalExpectedDocuments(jdbcUrl, "public", VisibilityComparator.MAPPER);
        IndexedDocuments indexed = new IndexedDocuments(stack.elasticsearch().url(), VisibilityComparator.MAPPER);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            ComparisonReport report = table.compare(indexed, index());
            if (report.isClean() || System.nanoTime() > deadline || closer.isClosed()) {
                return report;
            }
            LOG.info(
                    "catching up: {} rows, {} documents, {} matching",
                    report.rows(),
                    report.documents(),
                    report.matching());
            LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(2));
        }
    }

    /** @return the documents Temporal's reader would refuse */
    private int unreadableDocuments() throws Exception {
        TemporalDocumentRules rules = new TemporalDocumentRules(new TemporalAttributes());
        IndexedDocuments indexed = new IndexedDocuments(stack.elasticsearch().url(), VisibilityComparator.MAPPER);
        int unreadable = 0;
        for (Map.Entry<String, com.fasterxml.jackson.databind.node.ObjectNode> document :
                indexed.load(index()).entrySet()) {
            List<String> problems = rules.problems(VisibilityComparator.MAPPER.writeValueAsString(document.getValue()));
            if (!problems.isEmpty()) {
                unreadable++;
                LOG.warn("Temporal would refuse {}: {}", document.getKey(), problems);
            }
        }
        return unreadable;
    }

    private static void dropSlotAndPublication(String jdbcUrl, String slot) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement st = c.createStatement()) {
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                    + "' AND NOT active");
            st.execute("DROP PUBLICATION IF EXISTS " + slot);
        }
    }

    @Override
    public boolean isClosed() {
        return closer.isClosed();
    }

    @Override
    public void close() {
        stopped.countDown();
        closer.closeAll();
    }
}
