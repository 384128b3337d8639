package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.sync.RedisCommands;
import io.temporalcdc.cdcsource.CdcSourceApp;
import io.temporalcdc.invalidator.reader.CacheAside;
import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.invalidator.reader.Lsn;
import io.temporalcdc.invalidator.redis.RedisConnector;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import io.temporalcdc.testsupport.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The race every cache-aside system meets, reproduced for real: a PostgreSQL primary and its streaming replica
 * (pg_basebackup + hot standby), cdc-source capturing the primary, the invalidator, and a reader that fills the cache
 * from the replica. With the replica's replay paused, a change commits on the primary, its invalidation lands, a
 * reader misses and reads the replica, which still has the old row: its fill is refused by the fence. Once replay
 * resumes, a fill with the new row is taken.
 */
class ReplicaRaceIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String NAMESPACE = "ns-race";
    private static final String WORKFLOW = "order-7";

    /** What a reader read from one server: the value and its version (taken before the query). */
    record Read(String value, long version) {}

    @Test
    void shouldRefuseTheStaleFillFromALaggingReplicaAndTakeTheFreshOne() throws Exception {
        Path base = Path.of("target", "own-servers");
        String prefix = Names.unique("inv-race");
        String slot = "slot_" + prefix.replace('-', '_');
        try (OwnServers primaryServer = OwnServers.postgres(base)) {
            Postgres primary = primaryServer.postgres();
            SchemaMigrator.migrate(primary.jdbcUrl(), primary.user(), "");
            execute(
                    primary,
                    "INSERT INTO temporal.executions (shard_id, namespace_id, workflow_id, run_id,"
                            + " next_event_id, last_write_version, data, data_encoding, state, state_encoding,"
                            + " db_record_version) VALUES (1, '" + NAMESPACE + "', '" + WORKFLOW + "', 'run-1', 3, 0,"
                            + " '\\x00', 'proto3', '\\x00', 'proto3', 1)");
            try (OwnServers replicaServer = OwnServers.replicaOf(primary, base);
                    RedisConnector redis =
                            RedisConnector.connect(LocalStack.shared().redis().uri(), null);
                    AutoCloseable source = startCdcSource(primary, prefix, slot);
                    AutoCloseable invalidator = startInvalidator(primary, prefix)) {
                Postgres replica = replicaServer.postgres();
                CacheAside cache = new CacheAside(redis.connection());
                RedisCommands<String, String> commands = redis.connection().sync();
                String key = RedisKeys.workflowMeta(NAMESPACE, WORKFLOW);

                // the insert's invalidation lands, then a reader caches the row from the up-to-date replica
                await().atMost(WAIT).until(() -> commands.exists(CacheScripts.fenceKey(key)) == 1);
                await().atMost(WAIT).until(() -> "1".equals(read(replica).value()));
                Read before = read(replica);
                assertThat(cache.fill(key, before.value(), before.version(), RedisKeys.WF_META_TTL))
                        .as("a fill from a replica that has every change")
                        .isTrue();

                execute(replica, "SELECT pg_wal_replay_pause()");
                await().atMost(WAIT)
                        .until(() -> "paused".equals(query(replica, "SELECT pg_get_wal_replay_pause_state()")));
                execute(
                        primary,
                        "UPDATE temporal.executions SET db_record_version = 2 WHERE namespace_id = '" + NAMESPACE
                                + "' AND workflow_id = '" + WORKFLOW + "'");
                long committed;
                try (Connection connection = primary.connect()) {
                    committed = CacheAside.readVersion(connection);
                }

                // the invalidation lands: the key is gone, its fence at least the update's commit
                await().atMost(WAIT)
                        .until(() -> commands.exists(key) == 0
                                && Lsn.fromHex(commands.get(CacheScripts.fenceKey(key))) >= committed);

                Read stale = read(replica);
                assertThat(stale.value())
                        .as("the paused replica still has the old row")
                        .isEqualTo("1");
                assertThat(cache.get(key)).isEmpty();
                assertThat(cache.fill(key, stale.value(), stale.version(), RedisKeys.WF_META_TTL))
                        .as("the stale fill")
                        .isFalse();
                assertThat(cache.get(key)).as("nothing stale is cached").isEmpty();

                execute(replica, "SELECT pg_wal_replay_resume()");
                await().atMost(WAIT).until(() -> "2".equals(read(replica).value()));
                Read fresh = read(replica);
                assertThat(cache.fill(key, fresh.value(), fresh.version(), RedisKeys.WF_META_TTL))
                        .isTrue();
                assertThat(cache.get(key)).contains("2");
            } finally {
                dropSlot(primary, slot);
            }
        }
    }

    /** The reader's side of the protocol: the version in its own statement first, then the data. */
    private static Read read(Postgres server) throws SQLException {
        try (Connection connection = server.connect()) {
            long version = CacheAside.readVersion(connection);
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT db_record_version FROM temporal.executions WHERE namespace_id = ? AND workflow_id = ?")) {
                statement.setString(1, NAMESPACE);
                statement.setString(2, WORKFLOW);
                try (ResultSet rs = statement.executeQuery()) {
                    return new Read(rs.next() ? Long.toString(rs.getLong(1)) : "absent", version);
                }
            }
        }
    }

    private static AutoCloseable startCdcSource(Postgres primary, String prefix, String slot) throws Exception {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", LocalStack.shared().kafka().bootstrapServers());
        settings.put("database.hostname", primary.host());
        settings.put("database.port", Integer.toString(primary.port()));
        settings.put("database.user", primary.user());
        settings.put("database.dbname", primary.database());
        settings.put("topic.prefix", prefix);
        settings.put("topic.partitions", "2");
        settings.put("slot.name", slot);
        settings.put("publication.name", "pub_" + slot);
        settings.put("http.port", "0");
        settings.put("schema.registry.url", LocalStack.shared().schemaRegistry().url());
        EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
        AutoCloseable app = CdcSourceApp.start(settings, ctx);
        await().atMost(WAIT).until(ctx::isReady);
        return app;
    }

    private static AutoCloseable startInvalidator(Postgres primary, String prefix) throws Exception {
        Map<String, String> settings = InvalidatorTestSettings.onStack(prefix, Names.unique("inv-race-app"));
        settings.put("database.url", primary.jdbcUrl());
        settings.put("database.user", primary.user());
        EmbeddedAppContext ctx = new EmbeddedAppContext("cache-invalidator");
        AutoCloseable app = CacheInvalidatorApp.start(settings, ctx);
        await().atMost(WAIT).until(ctx::isReady);
        return app;
    }

    private static void execute(Postgres server, String sql) throws SQLException {
        try (Connection connection = server.connect();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static String query(Postgres server, String sql) throws SQLException {
        try (Connection connection = server.connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void dropSlot(Postgres primary, String slot) {
        try {
            execute(
                    primary,
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + slot
                            + "' AND NOT active");
        } catch (SQLException e) {
            // the cluster is stopped next anyway
        }
    }
}
