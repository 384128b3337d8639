package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import io.temporalcdc.testsupport.Postgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Outages under a steady writer: Kafka stopped for 30 s, PostgreSQL restarted. Nothing committed is lost, the app
 * carries on by itself (or, in-process, a new instance resumes from the slot), and readiness is DOWN while it cannot
 * deliver.
 */
class CdcSourceOutageIT {

    private static final Path BASE = Path.of("target", "own-servers");
    private static final Duration ARRIVAL = Duration.ofMinutes(2);

    @Test
    void shouldLoseNothingAndReportNotReadyWhileKafkaIsStoppedFor30Seconds() throws Exception {
        try (CdcFixture fixture = new CdcFixture("outage-kafka");
                OwnServers kafka = OwnServers.kafka(BASE)) {
            final Map<String, String> settings = fixture.settings();
            settings.put("kafka.bootstrap.servers", kafka.kafka().bootstrapServers());
            final EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
            final Set<String> committed = new ConcurrentSkipListSet<>();
            try (AutoCloseable app = fixture.startApp(ctx, settings);
                    Writer writer = new Writer(fixture.jdbcUrl, committed)) {
                await().atMost(Duration.ofSeconds(20)).until(() -> committed.size() > 20);

                kafka.stopKafka();
                final long stopped = System.nanoTime();
                await().atMost(Duration.ofSeconds(20)).until(() -> !ctx.isReady());
                final int duringOutage = committed.size();
                await().pollDelay(Duration.ofSeconds(30).minusNanos(System.nanoTime() - stopped))
                        .atMost(Duration.ofSeconds(40))
                        .until(() -> true);
                assertThat(committed.size()).as("the writer went on").isGreaterThan(duringOutage);
                assertThat(ctx.isReady()).as("not ready while Kafka is down").isFalse();
                kafka.startKafka();

                await().atMost(ARRIVAL).until(ctx::isReady);
                await().atMost(Duration.ofSeconds(10)).until(() -> committed.size() > duringOutage + 20);
                writer.close();
                assertThat(ctx.failure()).as("recovered by itself").isNull();
                assertAllArrived(kafka.kafka().bootstrapServers(), fixture.topicPrefix, committed);
            }
        }
    }

    @Test
    void shouldLoseNothingWhenPostgresRestartsMidStream() throws Exception {
        try (OwnServers own = OwnServers.postgres(BASE)) {
            final Postgres postgres = own.postgres();
            SchemaMigrator.migrate(postgres.jdbcUrl(), postgres.user(), "");
            final String prefix = Names.unique("outage-pg");
            final String slot = "slot_" + prefix.replace('-', '_');
            final Map<String, String> settings = new HashMap<>();
            settings.put("kafka.bootstrap.servers", LocalStack.shared().kafka().bootstrapServers());
            settings.put("database.hostname", postgres.host());
            settings.put("database.port", Integer.toString(postgres.port()));
            settings.put("database.user", postgres.user());
            settings.put("database.dbname", postgres.database());
            settings.put("topic.prefix", prefix);
            settings.put("slot.name", slot);
            settings.put("publication.name", "pub_" + slot);
            settings.put("format", "json");
            final Set<String> committed = new ConcurrentSkipListSet<>();
            EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
            AutoCloseable app = CdcSourceApp.start(settings, ctx);
            try (Writer writer = new Writer(postgres.jdbcUrl(), committed)) {
                final EmbeddedAppContext first = ctx;
                await().atMost(Duration.ofSeconds(60)).until(first::isReady);
                await().atMost(Duration.ofSeconds(20)).until(() -> committed.size() > 20);

                own.stopPostgres();
                Thread.sleep(5_000);
                own.startPostgres();
                final int afterRestart = committed.size();
                await().atMost(Duration.ofSeconds(60)).until(() -> committed.size() > afterRestart + 20);

                // the engine reconnects by itself; should it have given up, a new instance resumes from the slot
                // (what a supervisor restarting the exited process does)
                await().atMost(ARRIVAL).until(() -> first.isReady() || first.failure() != null);
                if (first.failure() != null) {
                    app.close();
                    ctx = new EmbeddedAppContext("cdc-source-again");
                    app = CdcSourceApp.start(settings, ctx);
                    final EmbeddedAppContext again = ctx;
                    await().atMost(Duration.ofSeconds(60)).until(again::isReady);
                }
                writer.close();
                assertAllArrived(LocalStack.shared().kafka().bootstrapServers(), prefix, committed);
            } finally {
                app.close();
                try (Connection c = DriverManager.getConnection(postgres.jdbcUrl());
                        Statement st = c.createStatement()) {
                    st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                } catch (SQLException e) {
                    // the cluster goes away with the test
                }
            }
        }
    }

    private static void assertAllArrived(String bootstrap, String prefix, Set<String> committed) {
        try (TopicReader reader = new TopicReader(bootstrap, prefix)) {
            final String topic = io.temporalcdc.schemas.Topics.table(prefix, "temporal_visibility", "executions");
            await().atMost(ARRIVAL)
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(reader.runIds(topic)).containsAll(new TreeSet<>(committed)));
        }
    }

    /** Inserts a visibility row every 20 ms, reconnecting through outages; remembers the run ids committed. */
    private static final class Writer implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Writer(String jdbcUrl, Set<String> committed) {
            this.thread = Thread.ofPlatform().name("outage-writer").start(() -> {
                int n = 0;
                Connection connection = null;
                while (running.get()) {
                    try {
                        if (connection == null) {
                            connection = DriverManager.getConnection(jdbcUrl);
                        }
                        final String runId = "run-" + n;
                        try (Statement st = connection.createStatement()) {
                            st.execute(Rows.insertVisibility("ns-outage", runId, "wf-" + n, 1));
                        }
                        committed.add(runId);
                        n++;
                    } catch (SQLException e) {
                        // PostgreSQL is away: the row was not committed, try again on a new connection
                        closeQuietly(connection);
                        connection = null;
                    }
                    sleep(20);
                }
                closeQuietly(connection);
            });
        }

        private static void closeQuietly(Connection connection) {
            try {
                if (connection != null) {
                    connection.close();
                }
            } catch (SQLException e) {
                // broken already
            }
        }

        private static void sleep(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join();
        }
    }
}
