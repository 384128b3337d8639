package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One test's world on the shared stack: a fresh database with Temporal's schema, and a unique topic
 * prefix, slot and publication. Closing it drops the slot so the shared server does not keep WAL for it.
 */
final class CdcFixture implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    final LocalStack stack = LocalStack.shared();
    final String database;
    final String jdbcUrl;
    final String topicPrefix;
    final String slot;
    final String publication;

    CdcFixture(String testName) {
        this.database = Names.unique("cdc-" + testName);
        this.jdbcUrl = stack.postgres().createDatabase(database);
        SchemaMigrator.migrate(jdbcUrl, stack.postgres().user(), "");
        final String suffix = Names.unique(testName).replace('-', '_');
        this.topicPrefix = Names.unique(testName);
        this.slot = "slot_" + suffix;
        this.publication = "pub_" + suffix;
    }

    /** The app's settings for this fixture. */
    Map<String, String> settings() {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        settings.put("database.hostname", stack.postgres().host());
        settings.put("database.port", Integer.toString(stack.postgres().port()));
        settings.put("database.user", stack.postgres().user());
        settings.put("database.dbname", database);
        settings.put("topic.prefix", topicPrefix);
        settings.put("slot.name", slot);
        settings.put("publication.name", publication);
        // these tests read Kafka Connect's JSON; CdcSourceAvroIT covers Avro (the default)
        settings.put("format", "json");
        return settings;
    }

    /** Starts the app in-process and waits until it streams. */
    AutoCloseable startApp(EmbeddedAppContext ctx) throws Exception {
        return startApp(ctx, settings());
    }

    /** Starts the app in-process with {@code settings} and waits until it streams. */
    AutoCloseable startApp(EmbeddedAppContext ctx, Map<String, String> settings) throws Exception {
        final AutoCloseable app = CdcSourceApp.start(settings, ctx);
        await().atMost(START_TIMEOUT).untilAsserted(() -> {
            assertThat(ctx.failure()).isNull();
            assertThat(ctx.isReady()).isTrue();
        });
        return app;
    }

    String topic(String schema, String table) {
        // the contract's naming, checked against what Debezium actually writes
        return Topics.table(topicPrefix, schema, table);
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect();
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Drops the slot (ending a sender a killed app may have left), so the shared server keeps no WAL for it. */
    @Override
    public void close() {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (Connection c = stack.postgres().connect()) {
                run(
                        c,
                        "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active");
                run(c, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?");
                return true;
            }
        });
    }

    private void run(Connection c, String sql) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, slot);
            ps.execute();
        }
    }
}
