package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporalcdc.invalidator.reader.CacheAside;
import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.schemas.ConflictVersion;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.MirrorMaker2;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Active-active conflict resolution for real: two regions, each with its own PostgreSQL cluster, Kafka broker, Redis
 * and pipeline (cdc-source {@code region=a|b}, indexer and invalidator reading both regions), MirrorMaker 2 between
 * the brokers, one Elasticsearch with an index per region. Both regions write the same execution with different
 * failover versions while MirrorMaker 2 is stopped, so each region's apps see their own write first and the other's
 * later (crossed arrival orders); once it mirrors, both indices and both caches' winner fences end at the state with
 * the higher last_write_version, and a fill of the losing state is refused in both regions. Then region a fails back
 * with a higher version: both move to a's state.
 */
class ConflictResolutionIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String NAMESPACE = "ns-conflict";
    private static final String WORKFLOW = "order-1";
    private static final String RUN = "run-1";

    /** One region: its database, its pipeline's settings, its Redis. */
    private record RegionSide(String name, String jdbcUrl, PipelineSettings settings) {}

    @Test
    void shouldEndBothRegionsAtTheSameWinnerWhateverTheArrivalOrder() throws Exception {
        LocalStack stack = LocalStack.shared();
        Path base = Path.of("target", "own-servers");
        try (OwnServers bPostgres = OwnServers.postgres(base);
                OwnServers bKafka = OwnServers.kafka(base);
                OwnServers bRedis = OwnServers.redis(base)) {
            String unique = Names.unique("conflict");
            String database = unique.replace('-', '_');
            String aUrl = stack.postgres().createDatabase(database);
            String bUrl = bPostgres.postgres().createDatabase(database);
            SchemaMigrator.migrate(aUrl, null, null);
            SchemaMigrator.migrate(bUrl, null, null);
            Path logs = Path.of("target", "e2e-logs", unique);
            RegionSide a = new RegionSide(
                    "a",
                    aUrl,
                    settings(
                            unique,
                            "a",
                            aUrl,
                            stack.kafka().bootstrapServers(),
                            stack.redis().uri(),
                            logs));
            RegionSide b = new RegionSide(
                    "b",
                    bUrl,
                    settings(
                            unique,
                            "b",
                            bUrl,
                            bKafka.kafka().bootstrapServers(),
                            bRedis.redis().uri(),
                            logs));
            List<String> regions = List.of("a", "b");
            Map<String, String> clusters = new LinkedHashMap<>();
            clusters.put("a", stack.kafka().bootstrapServers());
            clusters.put("b", bKafka.kafka().bootstrapServers());
            try {
                run(stack, a, b, bRedis, aUrl, bUrl, clusters, regions, base, unique);
            } finally {
                // region a's cdc-source slot on the shared cluster, once its process is gone
                Databases.count(
                        aUrl,
                        "SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots"
                                + " WHERE slot_name = '" + a.settings().slotName() + "' AND NOT active");
            }
        }
    }

    private static void run(
            LocalStack stack,
            RegionSide a,
            RegionSide b,
            OwnServers bRedis,
            String aUrl,
            String bUrl,
            Map<String, String> clusters,
            List<String> regions,
            Path base,
            String unique)
            throws Exception {
        try (Pipeline aPipeline = Pipeline.start(a.settings(), new Pipeline.Region("a", regions));
                Pipeline bPipeline = Pipeline.start(b.settings(), new Pipeline.Region("b", regions));
                MirrorMaker2 mirror = MirrorMaker2.start(base, clusters, unique + "[.]temporal.*");
                RedisView aCache = new RedisView(stack.redis().uri());
                RedisView bCache = new RedisView(bRedis.redis().uri())) {
            mirror.stop(); // the regions write while nothing is mirrored
            ConflictVersion aFirst = new ConflictVersion(1, 1, "a");
            ConflictVersion bFailover = new ConflictVersion(2, 1, "b");
            write(aUrl, aFirst, 1);
            write(bUrl, bFailover, 2);

            // each region has seen only its own write: its own state indexed and fenced
            awaitState(a, aCache, 1, aFirst);
            awaitState(b, bCache, 2, bFailover);

            // mirrored: a receives b's state after its own, b receives a's after its own
            mirror.start();
            awaitState(a, aCache, 2, bFailover);
            awaitState(b, bCache, 2, bFailover);
            for (RegionSide region : List.of(a, b)) {
                RedisView cache = region == a ? aCache : bCache;
                long position;
                try (Connection connection = DriverManager.getConnection(region.jdbcUrl())) {
                    position = CacheAside.readVersion(connection); // past the key's LSN fence
                }
                String key = RedisKeys.workflowMeta(NAMESPACE, WORKFLOW);
                assertThat(cache.aside().fill(key, "a's state", position, RUN, aFirst))
                        .as("region %s: a fill of the losing state", region.name())
                        .isFalse();
                assertThat(cache.aside().fill(key, "b's state", position, RUN, bFailover))
                        .as("region %s: a fill of the winning state", region.name())
                        .isTrue();
                cache.connection().sync().del(key);
            }

            // a fails back with a higher failover version: both regions move to a's state
            ConflictVersion aFailback = new ConflictVersion(3, 2, "a");
            write(aUrl, aFailback, 5);
            awaitState(a, aCache, 5, aFailback);
            awaitState(b, bCache, 5, aFailback);
            for (Pipeline pipeline : List.of(aPipeline, bPipeline)) {
                assertThat(pipeline.indexer().process().isAlive()
                                && pipeline.invalidator().process().isAlive())
                        .isTrue();
            }
            assertThat(mirror.isAlive()).isTrue();
        }
    }

    private static PipelineSettings settings(
            String unique, String region, String jdbcUrl, String kafka, String redis, Path logs) {
        PipelineSettings named = PipelineSettings.named(
                unique, jdbcUrl, kafka, LocalStack.shared().elasticsearch().url(), redis, logs);
        // the same topic prefix in both regions (MirrorMaker 2 names a's topics a.<prefix>... in b); an index, logs
        // and state of each region's own
        return new PipelineSettings(
                named.jdbcUrl(),
                named.kafkaBootstrapServers(),
                named.elasticsearchUrl(),
                named.redisUri(),
                named.topicPrefix(),
                named.slotName(),
                named.publicationName(),
                named.applicationId(),
                named.invalidatorApplicationId(),
                null,
                unique + "_" + region + "_visibility",
                logs.resolve(region),
                null);
    }

    /** Region's write of the run: its execution row at {@code version} and its visibility row, in one transaction. */
    private static void write(String jdbcUrl, ConflictVersion version, int status) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
            connection.setAutoCommit(false);
            TemporalWrites.update(
                    connection,
                    "INSERT INTO temporal.executions (shard_id, namespace_id, workflow_id, run_id, next_event_id,"
                            + " last_write_version, data, data_encoding, state, state_encoding, db_record_version)"
                            + " VALUES (1, ?, ?, ?, 3, ?, '\\x00'::bytea, 'Proto3', '\\x00'::bytea, 'Proto3', ?)"
                            + " ON CONFLICT (shard_id, namespace_id, workflow_id, run_id) DO UPDATE SET"
                            + " last_write_version = excluded.last_write_version,"
                            + " db_record_version = excluded.db_record_version",
                    NAMESPACE,
                    WORKFLOW,
                    RUN,
                    version.lastWriteVersion(),
                    version.dbRecordVersion());
            TemporalWrites.update(
                    connection,
                    "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                            + " workflow_id, workflow_type_name, status, task_queue) VALUES (?, ?, now(), now(), ?,"
                            + " 'ConflictWorkflow', ?, 'orders') ON CONFLICT (namespace_id, run_id) DO UPDATE SET"
                            + " status = excluded.status",
                    NAMESPACE,
                    RUN,
                    WORKFLOW,
                    status);
            connection.commit();
        }
    }

    /** Waits until the region's document has {@code status} and its winner fence holds {@code winner} for the run. */
    private static void awaitState(RegionSide region, RedisView cache, int status, ConflictVersion winner) {
        String fence = CacheScripts.winnerKey(RedisKeys.workflowMeta(NAMESPACE, WORKFLOW));
        await().atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .untilAsserted(() -> {
                    assertThat(document(region)
                                    .path("_source")
                                    .path("ExecutionStatus")
                                    .asInt())
                            .as("region %s's document", region.name())
                            .isEqualTo(status);
                    assertThat(cache.connection().sync().hget(fence, RUN))
                            .as("region %s's winner fence", region.name())
                            .isEqualTo(winner.text());
                });
    }

    private static JsonNode document(RegionSide region) throws Exception {
        String url = region.settings().elasticsearchUrl() + "/"
                + region.settings().indexPrefix() + "/_doc/" + WORKFLOW + "~" + RUN;
        HttpResponse<String> response =
                HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    /** A Redis of one region, read directly and through the reader library. */
    private static final class RedisView implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;
        private final CacheAside aside;

        RedisView(String uri) {
            client = RedisClient.create(uri);
            connection = client.connect();
            aside = new CacheAside(connection);
        }

        StatefulRedisConnection<String, String> connection() {
            return connection;
        }

        CacheAside aside() {
            return aside;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }
}
