package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.runtime.PreflightException;
import io.temporalcdc.testsupport.Names;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The replication slot's health: heartbeats that move it while only other databases write, its lag as metrics. */
class CdcSourceSlotIT {

    private static final Duration HEARTBEAT = Duration.ofSeconds(2);

    private CdcFixture fixture;
    private AutoCloseable app;

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldAdvanceTheSlotWithinTwoHeartbeatsWhileOnlyAnotherDatabaseWrites() throws Exception {
        fixture = new CdcFixture("slot-heartbeat");
        final Map<String, String> settings = fixture.settings();
        settings.put("debezium.heartbeat.interval.ms", Long.toString(HEARTBEAT.toMillis()));
        settings.put("slot.monitor.interval.ms", "200");
        final EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
        app = fixture.startApp(ctx, settings);
        fixture.execute(Rows.insertVisibility("ns-1", "run-1", "wf-1", 1));

        // another database of the same cluster writes ~4 MB of WAL; the captured one stays quiet
        final String other = fixture.stack.postgres().createDatabase(Names.unique("other-db"));
        final long written;
        try (Connection c = DriverManager.getConnection(other);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE noise (id bigint, payload text)");
            st.execute("INSERT INTO noise SELECT g, repeat('x', 200) FROM generate_series(1, 20000) g");
            written = currentLsn(c);
        }
        final long start = System.nanoTime();
        // two heartbeats, plus the engine's 1 s offset flush (which confirms the position) and the CI machine's slack
        final Duration bound = HEARTBEAT.multipliedBy(2).plusSeconds(4);
        await().atMost(bound)
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(confirmedFlushLsn()).isGreaterThanOrEqualTo(written));
        final Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took)
                .as("within two heartbeats")
                .isLessThanOrEqualTo(HEARTBEAT.multipliedBy(2).plusSeconds(2));

        // the lag the app reports falls back under 64 KB, the alert is off
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(gauge(ctx, "cdc.source.slot.lag.bytes")).isLessThan(64 * 1024);
            assertThat(gauge(ctx, "cdc.source.slot.active")).isEqualTo(1.0);
            assertThat(gauge(ctx, "cdc.source.slot.lag.alert")).isZero();
        });
        assertThat(ctx.failure()).isNull();
        // the heartbeat's messages go to no topic
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", fixture.stack.kafka().bootstrapServers()))) {
            assertThat(admin.listTopics().names().get()).noneMatch(t -> t.equals(fixture.topicPrefix + ".message"));
        }
    }

    @Test
    void shouldRaiseTheLagAlertWhileTheSlotHoldsMoreThanTheThreshold() throws Exception {
        fixture = new CdcFixture("slot-alert");
        final Map<String, String> settings = fixture.settings();
        settings.put("slot.monitor.interval.ms", "200");
        // an alert threshold any write crosses, and a heartbeat too rare to move the slot meanwhile
        settings.put("slot.lag.alert.bytes", "1");
        settings.put("debezium.heartbeat.interval.ms", "600000");
        final EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
        app = fixture.startApp(ctx, settings);
        final String other = fixture.stack.postgres().createDatabase(Names.unique("other-db"));
        try (Connection c = DriverManager.getConnection(other);
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE noise AS SELECT g AS id FROM generate_series(1, 10000) g");
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(gauge(ctx, "cdc.source.slot.lag.bytes")).isGreaterThan(1);
            assertThat(gauge(ctx, "cdc.source.slot.lag.alert")).isEqualTo(1.0);
        });
    }

    @Test
    void shouldTellAUserWhoMayNotCreateThePublicationTheStatementAnAdministratorRuns() throws Exception {
        fixture = new CdcFixture("slot-privileges");
        final String user = ("cdc_limited_" + Names.unique("u")).replace('-', '_');
        try (Connection c = fixture.stack.postgres().connect();
                Statement st = c.createStatement()) {
            // replication, not superuser: what an operator gives cdc-source
            st.execute("CREATE ROLE " + user + " LOGIN REPLICATION PASSWORD 'pw-" + user + "'");
        }
        try {
            final Map<String, String> settings = fixture.settings();
            settings.put("database.user", user);
            settings.put("database.password", "pw-" + user);
            final CdcSourceConfig config = new CdcSourceConfig(settings);

            assertThatThrownBy(() -> new PostgresPreflight(config).run())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("needs a superuser")
                    .hasMessageContaining(Publications.createStatement(fixture.publication))
                    .hasMessageContaining(fixture.database);

            // the administrator ran it: next, the signaling table incremental snapshots write to
            fixture.execute(Publications.createStatement(fixture.publication));
            assertThatThrownBy(() -> new PostgresPreflight(config).run())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining(PostgresPreflight.signalTableStatement("temporal.temporal_cdc_signal"))
                    .hasMessageContaining("GRANT SELECT, INSERT ON temporal.temporal_cdc_signal TO " + user);
            fixture.execute(PostgresPreflight.signalTableStatement("temporal.temporal_cdc_signal"));
            fixture.execute("GRANT SELECT, INSERT ON temporal.temporal_cdc_signal TO " + user);

            // then the snapshot's SELECT privileges
            assertThatThrownBy(() -> new PostgresPreflight(config).run())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining(
                            "GRANT SELECT ON ALL TABLES IN SCHEMA temporal, temporal_visibility TO " + user);

            fixture.execute("GRANT USAGE ON SCHEMA temporal, temporal_visibility TO " + user);
            fixture.execute("GRANT SELECT ON ALL TABLES IN SCHEMA temporal, temporal_visibility TO " + user);
            assertThat(new PostgresPreflight(config).run().tables()).contains("temporal_visibility.executions");
        } finally {
            fixture.execute("DROP OWNED BY " + user);
            try (Connection c = fixture.stack.postgres().connect();
                    Statement st = c.createStatement()) {
                st.execute("DROP OWNED BY " + user);
                st.execute("DROP ROLE " + user);
            } catch (SQLException e) {
                // another database may still hold its grants: the role stays, harmless
            }
        }
    }

    @Test
    void shouldLetTheTablesOwnerPublishTemporalsVisibilityTableAndRefuseAPublicationWithoutIt() throws Exception {
        fixture = new CdcFixture("temporal-owner");
        final String owner = ("cdc_owner_" + Names.unique("u")).replace('-', '_');
        try (Connection c = fixture.stack.postgres().connect();
                Statement st = c.createStatement()) {
            // Temporal's own database user: owns its table, may replicate, is no superuser
            st.execute("CREATE ROLE " + owner + " LOGIN REPLICATION PASSWORD 'pw-" + owner + "'");
            st.execute("GRANT CREATE ON DATABASE \"" + fixture.database + "\" TO " + owner);
        }
        fixture.execute("GRANT CREATE ON SCHEMA public TO " + owner);
        try {
            // the fixture's URL names the stack's superuser: connect as the owner explicitly
            String ownerUrl = "jdbc:postgresql://" + fixture.stack.postgres().host() + ":"
                    + fixture.stack.postgres().port() + "/" + fixture.database;
            try (Connection c = java.sql.DriverManager.getConnection(ownerUrl, owner, "pw-" + owner)) {
                io.temporalcdc.schemas.TemporalSqlVisibility.create(c, "public");
            }
            final Map<String, String> settings = fixture.settings();
            settings.put("database.user", owner);
            settings.put("database.password", "pw-" + owner);
            settings.put("source.profile", "temporal-v12");
            assertThat(new PostgresPreflight(new CdcSourceConfig(settings))
                            .run()
                            .tables())
                    .containsExactly("public.executions_visibility");

            // a publication of that name made for something else: refused, not captured from silently
            final Map<String, String> seedPublication = new java.util.HashMap<>(settings);
            seedPublication.put("publication.name", fixture.publication + "_seed");
            fixture.execute(Publications.createStatement(fixture.publication + "_seed"));
            assertThatThrownBy(() -> new PostgresPreflight(new CdcSourceConfig(seedPublication)).run())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("does not publish public.executions_visibility");

            // a schema without the table
            final Map<String, String> wrongSchema = new java.util.HashMap<>(settings);
            wrongSchema.put("publication.name", fixture.publication + "_other");
            wrongSchema.put("visibility.schema", "no_such_schema");
            assertThatThrownBy(() -> new PostgresPreflight(new CdcSourceConfig(wrongSchema)).run())
                    .isInstanceOf(PreflightException.class)
                    .hasMessageContaining("lacks the table no_such_schema.executions_visibility");
        } finally {
            fixture.execute("DROP PUBLICATION IF EXISTS " + fixture.publication + "_seed");
            fixture.execute("DROP OWNED BY " + owner);
            try (Connection c = fixture.stack.postgres().connect();
                    Statement st = c.createStatement()) {
                st.execute("REVOKE CREATE ON DATABASE \"" + fixture.database + "\" FROM " + owner);
                st.execute("DROP ROLE " + owner);
            } catch (SQLException e) {
                // another database may still hold its grants: the role stays, harmless
            }
        }
    }

    private static double gauge(EmbeddedAppContext ctx, String name) {
        return ctx.registry().get(name).gauge().value();
    }

    private long confirmedFlushLsn() throws SQLException {
        try (Connection c = fixture.stack.postgres().connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint FROM pg_replication_slots"
                                + " WHERE slot_name = ?")) {
            ps.setString(1, fixture.slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static long currentLsn(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
