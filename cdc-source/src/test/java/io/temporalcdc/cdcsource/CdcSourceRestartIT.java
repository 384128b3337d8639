package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.runtime.EmbeddedAppContext;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Snapshot, restart and publication handling, with the app in-process. */
class CdcSourceRestartIT {

    private static final Duration ARRIVAL = Duration.ofSeconds(60);

    private CdcFixture fixture;
    private TopicReader reader;

    @AfterEach
    void tearDown() throws Exception {
        if (reader != null) {
            reader.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldSnapshotExistingRowsThenResumeAfterRestartWithoutLosingChanges() throws Exception {
        fixture = new CdcFixture("restart");
        fixture.execute(Rows.insertVisibilityBatch("snap", 1, 50));
        reader = new TopicReader(fixture.stack.kafka().bootstrapServers(), fixture.topicPrefix);
        final String topic = fixture.topic("temporal_visibility", "executions");

        try (AutoCloseable app = fixture.startApp(new EmbeddedAppContext("cdc-source"))) {
            fixture.execute(Rows.insertVisibilityBatch("first", 1, 200));
            await().atMost(ARRIVAL)
                    .untilAsserted(() -> assertThat(runIds(topic)).hasSize(250));
        }
        assertThat(reader.poll(topic).stream().filter(r -> "r".equals(CdcSourceIT.op(r.value()))))
                .hasSize(50);

        fixture.execute(Rows.insertVisibilityBatch("stopped", 1, 300));
        try (AutoCloseable app = fixture.startApp(new EmbeddedAppContext("cdc-source"))) {
            fixture.execute(Rows.insertVisibilityBatch("second", 1, 100));
            await().atMost(ARRIVAL)
                    .untilAsserted(() -> assertThat(runIds(topic)).containsAll(expected()));
        }
        assertThat(reader.poll(topic).stream().filter(r -> "r".equals(CdcSourceIT.op(r.value()))))
                .as("no second snapshot after a restart")
                .hasSize(50);
    }

    @Test
    void shouldCreatePublicationWhenMissingAndReuseItWhenPresent() throws Exception {
        fixture = new CdcFixture("publication");
        final CdcSourceConfig config = new CdcSourceConfig(fixture.settings());
        try (Connection c = fixture.connect()) {
            final Publications publications = new Publications(c);
            assertThat(publications.exists(fixture.publication)).isFalse();

            new PostgresPreflight(config).run();
            assertThat(publications.exists(fixture.publication)).isTrue();
            assertThat(publishedSchemas(c)).containsExactly("temporal", "temporal_visibility");
            assertThat(publishesViaRoot(c)).isTrue();

            new PostgresPreflight(config).run();
            assertThat(publications.ensure(fixture.publication, fixture.database))
                    .isFalse();
            assertThat(publishedSchemas(c)).containsExactly("temporal", "temporal_visibility");
        }
    }

    @Test
    void shouldCreatePublicationOnceWhenTwoInstancesStartTogether() throws Exception {
        fixture = new CdcFixture("publication-race");
        final CdcSourceConfig config = new CdcSourceConfig(fixture.settings());
        final var first = java.util.concurrent.CompletableFuture.runAsync(() -> new PostgresPreflight(config).run());
        final var second = java.util.concurrent.CompletableFuture.runAsync(() -> new PostgresPreflight(config).run());

        java.util.concurrent.CompletableFuture.allOf(first, second).get();
        try (Connection c = fixture.connect()) {
            assertThat(publishedSchemas(c)).containsExactly("temporal", "temporal_visibility");
        }
    }

    private Set<String> expected() {
        final Set<String> ids = new TreeSet<>();
        addIds(ids, "snap", 50);
        addIds(ids, "first", 200);
        addIds(ids, "stopped", 300);
        addIds(ids, "second", 100);
        return ids;
    }

    private static void addIds(Set<String> ids, String prefix, int count) {
        IntStream.rangeClosed(1, count).forEach(i -> ids.add(prefix + "-" + i));
    }

    private Set<String> runIds(String topic) {
        return reader.runIds(topic);
    }

    private Set<String> publishedSchemas(Connection c) throws Exception {
        final Set<String> schemas = new TreeSet<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT n.nspname FROM pg_publication_namespace pn JOIN pg_namespace n ON n.oid = pn.pnnspid"
                                + " JOIN pg_publication p ON p.oid = pn.pnpubid WHERE p.pubname = '"
                                + fixture.publication + "'")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }

    private boolean publishesViaRoot(Connection c) throws Exception {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT pubviaroot FROM pg_publication WHERE pubname = '" + fixture.publication + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }
}
