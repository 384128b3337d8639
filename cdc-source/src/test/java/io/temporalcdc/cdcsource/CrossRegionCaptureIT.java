package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.MirrorMaker2;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Two regions for real: region {@code a} is the shared PostgreSQL cluster and Kafka broker, region {@code b} a
 * PostgreSQL cluster and a Kafka broker of this test's own; b subscribes to a with the seed's publication and
 * subscription ({@code sql/replication.sql}); a cdc-source per region, configured with its region; MirrorMaker 2
 * between the two brokers. A visibility row written in a arrives in four topics: a's own (header a), b's own
 * (captured from what the subscription applied, header b), and each region's copy of the other's, named {@code
 * <region>.<topic>} and keeping the header it was captured with. Region a's cdc-source also watches the
 * subscription's slot: disabled, the slot's lag passes the seed's 1 MB (the alert gauge turns 1), enabled again, it
 * comes back under it.
 */
class CrossRegionCaptureIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    @Test
    void shouldLabelEachRegionsChangesAndMirrorThemUnderTheRegionsName() throws Exception {
        Path base = Path.of("target", "own-servers");
        try (CdcFixture a = new CdcFixture("xregion");
                OwnServers bPostgres = OwnServers.postgres(base);
                OwnServers bKafka = OwnServers.kafka(base)) {
            String bDatabase = Names.unique("xregion-b");
            String bUrl = bPostgres.postgres().createDatabase(bDatabase);
            SchemaMigrator.migrate(bUrl, bPostgres.postgres().user(), "");
            String publication = "pub_" + a.slot;
            String subscription = "sub_" + a.slot;
            a.execute("CREATE PUBLICATION " + publication + " FOR TABLES IN SCHEMA temporal, temporal_visibility"
                    + " WITH (publish_via_partition_root = true)");
            try (Connection b = DriverManager.getConnection(bUrl);
                    Statement sql = b.createStatement()) {
                // the seed's subscription (sql/replication.sql), pointed at region a's database
                sql.execute("CREATE SUBSCRIPTION " + subscription + " CONNECTION 'host=127.0.0.1 port="
                        + a.stack.postgres().port() + " user="
                        + a.stack.postgres().user() + " dbname=" + a.database
                        + "' PUBLICATION " + publication + " WITH (copy_data = true, create_slot = true,"
                        + " enabled = true)");
                try {
                    Map<String, String> regionA = a.settings();
                    regionA.put("region", "a");
                    Map<String, String> regionB = new LinkedHashMap<>(a.settings());
                    regionB.put("region", "b");
                    regionB.put("kafka.bootstrap.servers", bKafka.kafka().bootstrapServers());
                    regionB.put(
                            "database.port",
                            Integer.toString(bPostgres.postgres().port()));
                    regionB.put("database.user", bPostgres.postgres().user());
                    regionB.put("database.dbname", bDatabase);
                    Map<String, String> clusters = new LinkedHashMap<>();
                    clusters.put("a", a.stack.kafka().bootstrapServers());
                    clusters.put("b", bKafka.kafka().bootstrapServers());
                    String topic = a.topic(Topics.VISIBILITY_SCHEMA, Topics.VISIBILITY_EXECUTIONS_TABLE);
                    List<String> argsB = new ArrayList<>();
                    regionB.forEach((key, value) -> argsB.add(key + "=" + value));
                    argsB.add("http.port=0");
                    // region b in a process of its own, as each region runs its cdc-source (in one JVM, two engines
                    // of one topic.prefix would register the same Debezium MBeans)
                    EmbeddedAppContext ctxA = new EmbeddedAppContext("cdc-source");
                    try (AutoCloseable appA = a.startApp(ctxA, regionA);
                            JavaApp appB = JavaApp.start(
                                    "cdc-source-region-b",
                                    JavaApp.jarOf("cdc-source"),
                                    argsB,
                                    Map.of(),
                                    CdcSourceJarIT.LOGS.resolve(Names.unique("region-b") + ".log"));
                            MirrorMaker2 mirror = MirrorMaker2.start(base, clusters, a.topicPrefix + "[.].*");
                            TopicReader readA =
                                    new TopicReader(a.stack.kafka().bootstrapServers(), everyCopyOf(a.topicPrefix));
                            TopicReader readB =
                                    new TopicReader(bKafka.kafka().bootstrapServers(), everyCopyOf(a.topicPrefix))) {
                        a.execute(Rows.insertVisibility("ns-xregion", "run-xregion", "wf-xregion", 1));

                        await().atMost(TIMEOUT).untilAsserted(() -> {
                            assertThat(mirror.isAlive())
                                    .as("MirrorMaker 2, see %s", mirror.logFile())
                                    .isTrue();
                            assertThat(region(readA.poll(topic), "run-xregion")).contains("a");
                            assertThat(region(readB.poll(topic), "run-xregion")).contains("b");
                            assertThat(region(readB.poll(Topics.mirrored("a", topic)), "run-xregion"))
                                    .contains("a");
                            assertThat(region(readA.poll(Topics.mirrored("b", topic)), "run-xregion"))
                                    .contains("b");
                        });

                        // the subscription's view from region a's cdc-source: disabled, its slot holds the WAL
                        // written meanwhile (over the seed's 1 MB: the alert); enabled again, it catches up
                        awaitSubscription(ctxA, subscription, 1, lag -> lag < 1_048_576);
                        sql.execute("ALTER SUBSCRIPTION " + subscription + " DISABLE");
                        a.execute("INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time,"
                                + " execution_time, workflow_id, workflow_type_name, status, memo)"
                                + " SELECT 'ns-lag', 'lag-' || g, now(), now(), 'wf-lag-' || g, 'LagWorkflow', 1,"
                                + " convert_to(repeat(md5(g::text), 20), 'UTF8') FROM generate_series(1, 3000) g");
                        awaitSubscription(ctxA, subscription, 0, lag -> lag > 1_048_576);
                        assertThat(gauge(ctxA, "cdc.source.subscription.lag.alert", null))
                                .isEqualTo(1.0);
                        assertThat(gauge(ctxA, "cdc.source.subscription.lag.seconds", subscription))
                                .isEqualTo(-1.0);
                        sql.execute("ALTER SUBSCRIPTION " + subscription + " ENABLE");
                        awaitSubscription(ctxA, subscription, 1, lag -> lag < 1_048_576);
                        await().atMost(TIMEOUT)
                                .untilAsserted(() -> assertThat(gauge(ctxA, "cdc.source.subscription.lag.alert", null))
                                        .isZero());
                    }
                } finally {
                    // drops the subscription's slot in region a too
                    sql.execute("DROP SUBSCRIPTION " + subscription);
                    a.execute("DROP PUBLICATION " + publication);
                }
            }
        }
    }

    /** Waits until cdc-source's gauges show the subscription's slot with {@code active} and a lag {@code bytes} accepts. */
    private static void awaitSubscription(
            EmbeddedAppContext ctx, String slot, int active, java.util.function.LongPredicate bytes) {
        await().atMost(TIMEOUT).untilAsserted(() -> {
            assertThat(gauge(ctx, "cdc.source.subscription.active", slot)).isEqualTo((double) active);
            assertThat((long) gauge(ctx, "cdc.source.subscription.lag.bytes", slot))
                    .matches(bytes::test, "the slot's lag");
            assertThat(gauge(ctx, "cdc.source.subscription.max.lag.bytes", null))
                    .isGreaterThanOrEqualTo(gauge(ctx, "cdc.source.subscription.lag.bytes", slot));
        });
    }

    /** @return the gauge's value (of the row tagged {@code slot}, when given); NaN when it is not there */
    private static double gauge(EmbeddedAppContext ctx, String name, String slot) {
        var search = ctx.registry().find(name);
        if (slot != null) {
            search = search.tag("slot", slot);
        }
        var gauge = search.gauge();
        return gauge == null ? Double.NaN : gauge.value();
    }

    /** A prefix's change topics, in this region's Kafka and mirrored from another region's. */
    private static Pattern everyCopyOf(String prefix) {
        return Pattern.compile("([a-z]+\\.)?" + Pattern.quote(prefix) + "\\.temporal.*");
    }

    /** @return the region header of the first record whose key names {@code runId}, if any */
    private static Optional<String> region(List<ConsumerRecord<byte[], byte[]>> records, String runId) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            if (record.key() != null && new String(record.key(), StandardCharsets.UTF_8).contains(runId)) {
                Header header = record.headers().lastHeader(Topics.REGION_HEADER);
                return Optional.of(header == null ? "<none>" : new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return Optional.empty();
    }
}
