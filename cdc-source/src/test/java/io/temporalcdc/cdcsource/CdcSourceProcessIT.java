package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.Names;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real deployable jar under SIGKILL and SIGTERM. */
class CdcSourceProcessIT {

    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration DRAIN = Duration.ofSeconds(120);

    private final List<JavaApp> apps = new ArrayList<>();
    private CdcFixture fixture;
    private TopicReader reader;

    @AfterEach
    void tearDown() throws Exception {
        apps.forEach(JavaApp::close);
        if (reader != null) {
            reader.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldLoseNoChangeWhenKilledWithSigkillWhileAWriterCommits() throws Exception {
        fixture = new CdcFixture("sigkill");
        reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        final String topic = fixture.topic("temporal_visibility", "executions");
        JavaApp app = startJar("sigkill-1", CdcSourceJarIT.closedPort());

        try (ContinuousWriter writer = new ContinuousWriter(fixture, "w")) {
            await().atMost(DRAIN).until(() -> runIds(topic).size() >= 1000);
            app.kill();
            final int atKill = writer.committedCount();
            await().atMost(DRAIN).until(() -> writer.committedCount() >= atKill + 1000);
            app = startJar("sigkill-2", CdcSourceJarIT.closedPort());
            await().atMost(DRAIN).until(() -> writer.committedCount() >= atKill + 2000);
            writer.close();
            assertThat(writer.failure()).isNull();

            await().atMost(DRAIN).untilAsserted(() -> assertThat(runIds(topic)).containsAll(writer.committed()));
            assertThat(writer.committedCount()).isGreaterThan(3000);
        }
    }

    @Test
    void shouldStopOnSigtermWithExitZeroFlushingOffsetsAndKeepingTheSlot() throws Exception {
        fixture = new CdcFixture("sigterm");
        reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        final String topic = fixture.topic("temporal_visibility", "executions");
        final int httpPort = CdcSourceJarIT.closedPort();
        final JavaApp app = startJar("sigterm", httpPort);
        fixture.execute(Rows.insertVisibility("ns-1", "run-1", "wf-1", 1));
        await().atMost(DRAIN).untilAsserted(() -> assertThat(runIds(topic)).contains("run-1"));

        assertThat(get(httpPort, "/health")).contains("UP");
        assertThat(get(httpPort, "/metrics"))
                // the change record, plus Debezium's heartbeats (every 10 s) once they start
                .containsPattern("cdc_source_records_sent_total(\\{[^}]*})? [1-9][0-9]*\\.0")
                .contains("cdc_source_commit_to_kafka_seconds");
        assertThat(app.terminate(Duration.ofSeconds(30))).isZero();
        assertThat(slotExists()).isTrue();

        try (AutoCloseable restarted = fixture.startApp(new EmbeddedAppContext("cdc-source"))) {
            fixture.execute(Rows.insertVisibility("ns-1", "run-2", "wf-2", 1));
            await().atMost(DRAIN).untilAsserted(() -> assertThat(runIds(topic)).contains("run-2"));
        }
        assertThat(reader.poll(topic))
                .as("offsets were flushed at SIGTERM: nothing sent twice")
                .hasSize(2);
    }

    private JavaApp startJar(String name, int httpPort) {
        final List<String> args = fixture.settings().entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.toCollection(ArrayList::new));
        args.add("http.port=" + httpPort);
        final JavaApp app = JavaApp.start(
                "cdc-source-" + name,
                JavaApp.jarOf("cdc-source"),
                args,
                Map.of(),
                CdcSourceJarIT.LOGS.resolve(Names.unique(name) + ".log"));
        apps.add(app);
        await().atMost(READY).untilAsserted(() -> {
            assertThat(app.isAlive()).as("alive, log %s", app.logFile()).isTrue();
            assertThat(Files.readString(app.logFile())).contains("Debezium engine is streaming changes");
        });
        return app;
    }

    private Set<String> runIds(String topic) {
        return reader.runIds(topic);
    }

    private boolean slotExists() throws Exception {
        try (Connection c = fixture.connect();
                PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, fixture.slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static String get(int port, String path) throws Exception {
        final HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
