package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.cdcsource.CdcSourceApp;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.SchemaMigrator;
import io.temporalcdc.schemas.WorkflowMetricsView;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One test's world on the shared stack: a fresh database with Temporal's schema, the real cdc-source capturing it
 * in this JVM under a unique topic prefix, and aggregators started on it (in this JVM, each with its own HTTP port
 * and state directory). Closing it stops them all and drops the slot.
 */
final class AggregatorFixture implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    final LocalStack stack = LocalStack.shared();
    final String database;
    final String jdbcUrl;
    final String prefix;
    final String applicationId;
    private final String slot;
    private final AutoCloseable cdcSource;
    private final List<AutoCloseable> running = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();

    AggregatorFixture(String name) throws Exception {
        database = Names.unique("agg-" + name);
        jdbcUrl = stack.postgres().createDatabase(database);
        SchemaMigrator.migrate(jdbcUrl, stack.postgres().user(), "");
        prefix = Names.unique("agg-" + name);
        applicationId = Names.unique("agg-" + name + "-app");
        slot = "slot_" + prefix.replace('-', '_');
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        settings.put("database.hostname", stack.postgres().host());
        settings.put("database.port", Integer.toString(stack.postgres().port()));
        settings.put("database.user", stack.postgres().user());
        settings.put("database.dbname", database);
        settings.put("topic.prefix", prefix);
        settings.put("topic.partitions", "3");
        settings.put("slot.name", slot);
        settings.put("publication.name", "pub_" + slot);
        settings.put("schema.registry.url", stack.schemaRegistry().url());
        EmbeddedAppContext ctx = new EmbeddedAppContext("cdc-source");
        cdcSource = CdcSourceApp.start(settings, ctx);
        await().atMost(WAIT).until(ctx::isReady);
    }

    /** The aggregator's settings: its own state directory, HTTP on 127.0.0.1. */
    Map<String, String> settings() throws IOException {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", stack.kafka().bootstrapServers());
        settings.put("topic.prefix", prefix);
        settings.put("topic.partitions", "3");
        settings.put("application.id", applicationId);
        settings.put("http.host", "127.0.0.1");
        settings.put("rolling.update.interval", "1s");
        settings.put("schema.registry.url", stack.schemaRegistry().url());
        Path stateDir = Files.createDirectories(Path.of("target", "state"));
        settings.put(
                "streams.state.dir", Files.createTempDirectory(stateDir, "agg").toString());
        return settings;
    }

    /** An aggregator running in this JVM. */
    record Aggregator(EmbeddedAppContext ctx, AutoCloseable app) implements AutoCloseable {
        int port() {
            return ctx.httpPort();
        }

        @Override
        public void close() throws Exception {
            app.close();
            ctx.close();
        }
    }

    /** Starts an aggregator with {@link #settings()} and waits until it is ready. */
    Aggregator startAggregator() throws Exception {
        return startAggregator(settings());
    }

    Aggregator startAggregator(Map<String, String> settings) throws Exception {
        EmbeddedAppContext ctx = EmbeddedAppContext.withHttp("metrics-aggregator", "127.0.0.1", 0);
        Aggregator aggregator = new Aggregator(ctx, MetricsAggregatorApp.start(settings, ctx));
        running.add(aggregator);
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(ctx.failure()).isNull();
            assertThat(ctx.isReady()).isTrue();
        });
        return aggregator;
    }

    /** {@code GET path} on {@code port}: the status and the JSON body. */
    Answer get(int port, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    record Answer(int status, JsonNode body) {}

    /** Every day of {@code namespaces} from the API on {@code port}, as the view's rows. */
    List<WorkflowMetricsView.Row> apiRows(int port, List<String> namespaces) throws Exception {
        List<WorkflowMetricsView.Row> rows = new ArrayList<>();
        for (String namespace : namespaces) {
            Answer answer = get(port, MetricsApi.PATH + "?namespace=" + MetricsApi.encode(namespace));
            assertThat(answer.status()).as("%s", answer.body()).isEqualTo(200);
            rows.addAll(WorkflowMetricsView.fromApi(answer.body()));
        }
        return rows;
    }

    /** The view, refreshed. */
    List<WorkflowMetricsView.Row> viewRows() throws SQLException {
        try (Connection connection = connect()) {
            return WorkflowMetricsView.refreshAndRead(connection);
        }
    }

    /** Waits until the API on {@code port} equals the view, and returns the last comparison. */
    WorkflowMetricsView.Comparison awaitEqualToView(int port, List<String> namespaces) {
        WorkflowMetricsView.Comparison[] last = new WorkflowMetricsView.Comparison[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<WorkflowMetricsView.Row> view = viewRows().stream()
                    .filter(row -> namespaces.contains(row.namespace()))
                    .toList();
            last[0] = WorkflowMetricsView.compare(view, apiRows(port, namespaces), DurationSketch.RELATIVE_ACCURACY);
            assertThat(last[0].mismatches()).isEmpty();
        });
        return last[0];
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable app : running) {
            try {
                app.close();
            } catch (Exception e) {
                // closed already
            }
        }
        cdcSource.close();
        try (Connection connection =
                        DriverManager.getConnection(stack.postgres().jdbcUrl());
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_name = '" + slot + "' AND NOT active");
        }
    }
}
