package io.temporalcdc.bench;

import static io.temporalcdc.bench.Measure.await;
import static io.temporalcdc.bench.Measure.rate;
import static io.temporalcdc.bench.Measure.seconds;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.demo.Deployable;
import io.temporalcdc.demo.Pipeline;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.TemporalIndexInstaller;
import io.temporalcdc.indexer.verify.IndexedDocuments;
import io.temporalcdc.schemas.TemporalSqlVisibility;
import io.temporalcdc.testsupport.LocalStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The temporal-v12 profile's backfill: rows already in Temporal's {@code executions_visibility} when cdc-source and
 * the indexer start, snapshotted and indexed into an index Temporal reads, against raw {@code _bulk} of the same
 * documents into an index of the same schema.
 */
final class TemporalScenarios {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BULK = 500;

    private final LocalStack stack;
    private final Path logDir;
    private final Report report;
    private final Es es;

    TemporalScenarios(LocalStack stack, Path logDir, Report report) {
        this.stack = stack;
        this.logDir = logDir;
        this.report = report;
        this.es = new Es(stack.elasticsearch().url());
    }

    void backfill(int rows) throws Exception {
        String name = "bench_temporal_" + System.nanoTime();
        String jdbcUrl = stack.postgres().createDatabase(name);
        try (Connection c = DriverManager.getConnection(jdbcUrl);
                Statement st = c.createStatement()) {
            TemporalSqlVisibility.create(c, "public");
            // closed runs as Temporal's SQL store keeps them: a memo, five attributes, growing task ids
            st.execute("INSERT INTO executions_visibility (" + TemporalSqlVisibility.COLUMNS + ") SELECT"
                    + " 'b1f0c3a2-0000-4000-8000-000000000001', md5(i::text), 1048576 + i,"
                    + " now() - interval '1 hour' + i * interval '1 millisecond', now() - interval '1 hour',"
                    + " 'bench-wf-' || i, 'OrderFulfillment', 2, now(), 12, 4096, 3600000000000, 7,"
                    + " decode('0a0a0a046e6f746512021201', 'hex'), 'Proto3', 'orders',"
                    + " jsonb_build_object('Keyword01', 'orders', 'Int01', i, 'Double01', i + 0.5, 'Bool01', i % 2 = 0,"
                    + " 'KeywordList01', jsonb_build_array('step-' || (i % 10))), NULL, NULL, 'bench-wf-' || i,"
                    + " md5(i::text) FROM generate_series(1, " + rows + ") i");
        }
        String prefix = name.replace('_', '-');
        String index = prefix + "-temporal";
        Path dir = logDir.resolve(prefix);
        List<String> cdc = List.of(
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "database.hostname=" + stack.postgres().host(),
                "database.port=" + stack.postgres().port(),
                "database.user=" + stack.postgres().user(),
                "database.dbname=" + name,
                "topic.prefix=" + prefix,
                "slot.name=" + name,
                "publication.name=" + name,
                "format=json",
                "source.profile=temporal-v12");
        List<String> indexer = List.of(
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "elasticsearch.url=" + stack.elasticsearch().url(),
                "topic.prefix=" + prefix,
                "application.id=" + prefix + "-indexer",
                "source.profile=temporal-v12",
                "temporal.index.name=" + index,
                "index.refresh.interval=1s",
                "streams.state.dir=" + dir.resolve("state"));
        double took;
        try (Deployable source = new Deployable("cdc-source", cdc, dir);
                Deployable sink = new Deployable("visibility-indexer", indexer, dir)) {
            sink.start(Pipeline.READY_TIMEOUT);
            long start = System.nanoTime();
            source.start(Pipeline.READY_TIMEOUT);
            await("the index holds " + rows + " documents", () -> count(index) >= rows);
            took = seconds(start);
        } finally {
            try (Connection c = DriverManager.getConnection(jdbcUrl);
                    Statement st = c.createStatement()) {
                st.execute("SELECT pg_drop_replication_slot('" + name + "')");
            }
        }
        Map<String, ObjectNode> indexed =
                new IndexedDocuments(stack.elasticsearch().url(), JSON).load(index);
        List<Map.Entry<String, ObjectNode>> docs = new ArrayList<>(indexed.entrySet());
        String ceilingIndex = index + "-ceiling";
        try (EsConnection connection =
                EsConnection.open(List.of(URI.create(stack.elasticsearch().url())), null, null)) {
            new TemporalIndexInstaller(
                            connection.rest(),
                            new TemporalIndexInstaller.Settings(ceilingIndex, 1, 0, "1s", null, Map.of()))
                    .install();
        }
        double ceiling = es.bulk(ceilingIndex, docs, BULK, 4);
        report.row(
                "temporal-v12 backfill: " + rows + " rows of Temporal's executions_visibility, cdc-source start →"
                        + " all indexed (initial snapshot)",
                rate(rows, took) + " docs/s (" + String.format("%.1f", took) + " s)",
                "raw _bulk of the same documents into a schema-v14 index, " + BULK + " per request, 4 in flight: "
                        + rate(docs.size(), ceiling) + " docs/s",
                ceiling / took,
                "(context)");
    }

    private long count(String index) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.elasticsearch().url() + "/" + index + "/_count"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200
                ? JSON.readTree(response.body()).path("count").asLong()
                : 0;
    }
}
