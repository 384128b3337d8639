package io.temporalcdc.crossregion;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.MirrorMaker2;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import io.temporalcdc.testsupport.Postgres;
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
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Two regions for real, cross-region running in region b: region a is the shared PostgreSQL cluster and Kafka
 * broker, region b a cluster and a broker of this test's own; b subscribes to a with the seed's publication and
 * subscription; a cdc-source per region (its own process, {@code region=a|b}); MirrorMaker 2 mirrors a's topics to
 * b. Lag: the subscription disabled for a known time while a row is written in a, then enabled: the row's {@code
 * replicated} event measures that time. Divergence: a row deleted by hand in b opens a divergence within the bound;
 * written back as a has it, the divergence closes. MirrorMaker 2 stopped for 30 s: a's new rows diverge in b, and close
 * once it mirrors again. {@code /replication/status}'s figures follow.
 */
class CrossRegionIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final long DISABLED_MS = 6_000;
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path LOGS = Path.of("target", "cross-region-it");

    @Test
    void shouldMeasureInjectedLagAndOpenAndCloseADivergence() throws Exception {
        Path base = Path.of("target", "own-servers");
        LocalStack stack = LocalStack.shared();
        Postgres a = stack.postgres();
        try (OwnServers bPostgres = OwnServers.postgres(base);
                OwnServers bKafka = OwnServers.kafka(base)) {
            Postgres b = bPostgres.postgres();
            String aDatabase = Names.unique("xr-a");
            String aUrl = a.createDatabase(aDatabase);
            String bDatabase = Names.unique("xr-b");
            String bUrl = b.createDatabase(bDatabase);
            SchemaMigrator.migrate(aUrl, a.user(), "");
            SchemaMigrator.migrate(bUrl, b.user(), "");
            String prefix = Names.unique("xr");
            String suffix = prefix.replace('-', '_');
            String subscription = "sub_" + suffix;
            execute(
                    aUrl,
                    "CREATE PUBLICATION pub_" + suffix + " FOR TABLES IN SCHEMA temporal, temporal_visibility"
                            + " WITH (publish_via_partition_root = true)");
            execute(
                    bUrl,
                    "CREATE SUBSCRIPTION " + subscription + " CONNECTION 'host=127.0.0.1 port=" + a.port()
                            + " user=" + a.user() + " dbname=" + aDatabase + "' PUBLICATION pub_" + suffix
                            + " WITH (copy_data = true, create_slot = true, enabled = true)");
            Map<String, String> clusters = new LinkedHashMap<>();
            clusters.put("a", stack.kafka().bootstrapServers());
            clusters.put("b", bKafka.kafka().bootstrapServers());
            EmbeddedAppContext ctx = EmbeddedAppContext.withHttp("cross-region", "127.0.0.1", 0);
            String applicationId = Names.unique("cross-region");
            List<JsonNode> events = new CopyOnWriteArrayList<>();
            try (JavaApp cdcA = cdcSource("a", stack.kafka().bootstrapServers(), a, aDatabase, prefix, suffix);
                    JavaApp cdcB = cdcSource("b", bKafka.kafka().bootstrapServers(), b, bDatabase, prefix, suffix);
                    MirrorMaker2 mirror = MirrorMaker2.start(base, clusters, prefix + "[.]temporal.*");
                    AutoCloseable app = CrossRegionApp.start(
                            crossRegion(
                                    bKafka.kafka().bootstrapServers(),
                                    prefix,
                                    applicationId,
                                    stack.schemaRegistry().url()),
                            ctx);
                    EventReader reader = new EventReader(
                            bKafka.kafka().bootstrapServers(), Topics.replicationEvents(prefix), events)) {
                await().atMost(TIMEOUT).until(ctx::isReady);

                java.util.concurrent.atomic.AtomicInteger warmUps = new java.util.concurrent.atomic.AtomicInteger();
                // warmed up: both cdc-sources streaming (a row b's cdc-source reads in its snapshot has no commit
                // time to measure) and MirrorMaker 2 mirroring
                await().atMost(TIMEOUT)
                        .pollInterval(Duration.ofSeconds(1))
                        .ignoreExceptions()
                        .until(() -> {
                            String warmUp = "run-warm-up-" + warmUps.incrementAndGet();
                            execute(aUrl, insert(warmUp));
                            return await().atMost(Duration.ofSeconds(20))
                                    .until(() -> find(reader, events, null, warmUp), e -> e != null)
                                    .path("type")
                                    .asText()
                                    .equals("replicated");
                        });

                // replicated normally: a's row reaches b within the subscription's usual lag
                execute(aUrl, insert("run-normal"));
                JsonNode normal;
                try {
                    normal = await().atMost(TIMEOUT)
                            .until(() -> find(reader, events, "replicated", "run-normal"), e -> e != null);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    String visibility = prefix + ".temporal_visibility.executions";
                    throw new AssertionError(
                            "no replicated event for run-normal; events " + events + "; end offsets in"
                                    + " b: "
                                    + endOffsets(
                                            bKafka.kafka().bootstrapServers(),
                                            List.of(
                                                    visibility,
                                                    Topics.mirrored("a", visibility),
                                                    Topics.replicationEvents(prefix),
                                                    Topics.crossRegionDlq(prefix))),
                            e);
                }
                assertThat(normal.path("originRegion").asText()).isEqualTo("a");
                assertThat(normal.path("region").asText()).isEqualTo("b");
                assertThat(normal.path("lagMs").asLong()).isBetween(0L, 3_000L);

                // injected lag: the subscription disabled for DISABLED_MS after the row's commit
                execute(bUrl, "ALTER SUBSCRIPTION " + subscription + " DISABLE");
                Thread.sleep(1_000);
                execute(aUrl, insert("run-lagged"));
                Thread.sleep(DISABLED_MS);
                execute(bUrl, "ALTER SUBSCRIPTION " + subscription + " ENABLE");
                JsonNode lagged = await().atMost(TIMEOUT)
                        .until(() -> find(reader, events, "replicated", "run-lagged"), e -> e != null);
                assertThat(lagged.path("lagMs").asLong())
                        .as("the lag of a row committed %d ms before the subscription was enabled", DISABLED_MS)
                        .isBetween(DISABLED_MS - 500, DISABLED_MS + 3_000);

                // divergence: b's copy deleted by hand (kept aside), then written back as a has it
                execute(
                        bUrl,
                        "CREATE TABLE kept AS SELECT * FROM temporal_visibility.executions"
                                + " WHERE run_id = 'run-normal'");
                execute(bUrl, "DELETE FROM temporal_visibility.executions WHERE run_id = 'run-normal'");
                JsonNode opened = await().atMost(TIMEOUT)
                        .until(() -> find(reader, events, "divergence-opened", "run-normal"), e -> e != null);
                assertThat(opened.path("versions").path("b").asText()).isEqualTo(RowVersions.DELETED);
                assertThat(opened.path("versions").path("a").asText()).startsWith("sha256=");
                assertThat(table(ctx).path("openDivergences").asInt()).isEqualTo(1);

                execute(bUrl, "INSERT INTO temporal_visibility.executions SELECT * FROM kept");
                JsonNode closed = await().atMost(TIMEOUT)
                        .until(() -> find(reader, events, "divergence-closed", "run-normal"), e -> e != null);
                assertThat(closed.path("openForMs").asLong()).isPositive();
                JsonNode status = table(ctx);
                assertThat(status.path("openDivergences").asInt()).isZero();
                assertThat(status.path("replicated").asLong()).isGreaterThanOrEqualTo(2);
                assertThat(status.path("lagP99Seconds").asDouble()).isGreaterThan(DISABLED_MS / 2000.0);
                assertThat(cdcA.isAlive() && cdcB.isAlive() && mirror.isAlive()).isTrue();

                // MirrorMaker 2 stopped for 30 s: b still receives a's rows through the subscription, b's Kafka no
                // longer receives a's change stream, so the rows diverge past the bound; mirrored again (from the
                // offsets it stored), every one of a's changes arrives and every divergence closes: nothing lost
                long stopped = System.nanoTime();
                mirror.stop();
                List<String> outage = List.of("run-outage-1", "run-outage-2", "run-outage-3");
                for (String runId : outage) {
                    execute(aUrl, insert(runId));
                }
                for (String runId : outage) {
                    JsonNode diverged = await().atMost(TIMEOUT)
                            .until(() -> find(reader, events, "divergence-opened", runId), e -> e != null);
                    assertThat(diverged.path("versions").path("a").isNull())
                            .as(diverged.toString())
                            .isTrue();
                    assertThat(diverged.path("versions").path("b").asText()).startsWith("sha256=");
                }
                Thread.sleep(Math.max(
                        0,
                        OUTAGE.toMillis()
                                - Duration.ofNanos(System.nanoTime() - stopped).toMillis()));
                mirror.start();
                for (String runId : outage) {
                    await().atMost(TIMEOUT)
                            .until(() -> find(reader, events, "divergence-closed", runId), e -> e != null);
                }
                assertThat(table(ctx).path("openDivergences").asInt()).isZero();
                // the events were Avro, their schema registered under the topic's value subject
                try (var registry = io.temporalcdc.runtime.registry.SchemaRegistryClient.of(
                        stack.schemaRegistry().url(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
                    assertThat(registry.versions(Topics.replicationEvents(prefix) + "-value"))
                            .isNotEmpty();
                }
                assertThat(reader.schemaIds()).hasSize(1);
            } finally {
                execute(bUrl, "DROP SUBSCRIPTION " + subscription);
            }
        }
    }

    private static JavaApp cdcSource(
            String region, String kafka, Postgres postgres, String database, String prefix, String suffix) {
        List<String> args = new ArrayList<>(List.of(
                "region=" + region,
                "kafka.bootstrap.servers=" + kafka,
                "database.hostname=127.0.0.1",
                "database.port=" + postgres.port(),
                "database.user=" + postgres.user(),
                "database.dbname=" + database,
                "topic.prefix=" + prefix,
                "slot.name=slot_" + suffix,
                "publication.name=cdc_" + suffix,
                "format=json",
                "http.port=0"));
        return JavaApp.start(
                "cdc-source-" + region,
                JavaApp.jarOf("cdc-source"),
                args,
                Map.of(),
                LOGS.resolve(Names.unique("cdc-source-" + region) + ".log"));
    }

    /** cross-region in region b, its events in Avro (the registry given). */
    private static Map<String, String> crossRegion(String kafka, String prefix, String applicationId, String registry) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("schema.registry.url", registry);
        settings.put("kafka.bootstrap.servers", kafka);
        settings.put("application.id", applicationId);
        settings.put("topic.prefix", prefix);
        settings.put("regions", "a,b");
        settings.put("local.region", "b");
        settings.put("divergence.bound", BOUND.toSeconds() + "s");
        settings.put("divergence.check.interval", "1s");
        settings.put("streams.state.dir", LOGS.resolve(Names.unique("state")).toString());
        return settings;
    }

    private static String insert(String runId) {
        return "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                + " workflow_id, workflow_type_name, status, task_queue) VALUES ('ns-xr', '" + runId + "', now(),"
                + " now(), 'wf-" + runId + "', 'CrossRegionWorkflow', 1, 'q')";
    }

    /** The table's row of {@code GET /replication/status}, over HTTP. */
    private static JsonNode table(EmbeddedAppContext ctx) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + ctx.httpPort() + ReplicationStatus.PATH))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        for (JsonNode table : JSON.readTree(response.body())) {
            if (table.path("table").asText().equals("temporal_visibility.executions")) {
                return table;
            }
        }
        throw new AssertionError("no status of temporal_visibility.executions in " + response.body());
    }

    private static JsonNode find(EventReader reader, List<JsonNode> events, String type, String runId) {
        reader.poll();
        for (JsonNode event : events) {
            if ((type == null || event.path("type").asText().equals(type))
                    && event.path("key").asText().contains("\"" + runId + "\"")) {
                return event;
            }
        }
        return null;
    }

    /** @return each topic's end offsets, summed over its partitions (for a failure's message) */
    private static Map<String, Long> endOffsets(String bootstrap, List<String> topics) {
        Map<String, Long> ends = new LinkedHashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new StringDeserializer(),
                new StringDeserializer())) {
            for (String topic : topics) {
                var partitions = consumer.partitionsFor(topic).stream()
                        .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
                        .toList();
                ends.put(
                        topic,
                        consumer.endOffsets(partitions).values().stream()
                                .mapToLong(Long::longValue)
                                .sum());
            }
        }
        return ends;
    }

    /** @return the group's committed offsets by partition (for a failure's message) */
    private static String committed(String bootstrap, String group) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            var offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<String, Long> byTopic = new java.util.TreeMap<>();
            offsets.forEach((tp, om) -> byTopic.merge(tp.topic(), om == null ? -1 : om.offset(), Long::sum));
            return byTopic.toString();
        }
    }

    private static void execute(String jdbcUrl, String sql) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** Reads the events topic (Avro in the Confluent wire format) from the beginning into {@code events}, as JSON. */
    private static final class EventReader implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<JsonNode> events;
        private final java.util.Set<Integer> schemaIds = java.util.concurrent.ConcurrentHashMap.newKeySet();

        EventReader(String bootstrap, String topic, List<JsonNode> events) {
            this.events = events;
            consumer = new KafkaConsumer<>(
                    Map.of(
                            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            bootstrap,
                            ConsumerConfig.GROUP_ID_CONFIG,
                            Names.unique("events"),
                            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                            "earliest",
                            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                            "read_committed"),
                    new StringDeserializer(),
                    new org.apache.kafka.common.serialization.ByteArrayDeserializer());
            consumer.subscribe(List.of(topic));
        }

        synchronized void poll() {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                var read = EventFormat.readAvro(record.value());
                schemaIds.add(read.getKey());
                try {
                    events.add(JSON.readTree(read.getValue().toString()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("not an event: " + read.getValue(), e);
                }
            }
        }

        java.util.Set<Integer> schemaIds() {
            return schemaIds;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
