package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.indexer.elasticsearch.ElasticsearchEsWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measurement, not a gate: a burst of records through the real app, reported as documents per second and
 * commit→indexed p50/p99, next to Elasticsearch's own rates on the same machine (bulk, and one request per
 * document). Opt-in: {@code -Dindexer.benchmark=true} ({@code -Dindexer.benchmark.records=N}, default 3000).
 * The results go to the log and to {@code target/indexer-benchmark.txt}.
 */
@EnabledIfSystemProperty(named = "indexer.benchmark", matches = "true")
class IndexerThroughputIT {
    private static final Logger LOG = LoggerFactory.getLogger(IndexerThroughputIT.class);
    private static final int RECORDS = Integer.getInteger("indexer.benchmark.records", 3000);
    private static final int BULK_SIZE = 500;

    @Test
    void shouldIndexABurstAndReportThroughputAndLatency() throws Exception {
        LocalStack stack = LocalStack.shared();
        String topicPrefix = Names.unique("bench");
        String indexPrefix = Names.unique("bench");
        stack.kafka().createTopic(Topics.visibilityExecutions(topicPrefix), 1);
        EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
        List<String> report = new ArrayList<>();
        // Elasticsearch alone first, so its warm-up does not flatter the indexer's number
        report.add(esSingleRequestRate(stack));
        report.add(esBulkRate(stack));
        try (AutoCloseable app = VisibilityIndexerApp.start(
                IndexerTestSettings.onStack(topicPrefix, indexPrefix, Names.unique("bench-app")), ctx)) {
            await().atMost(Duration.ofSeconds(60)).until(ctx::isReady);
            long start = System.nanoTime();
            produceBurst(stack, topicPrefix);
            await().atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(ctx.registry()
                                    .get("visibility.indexer.documents.indexed")
                                    .counter()
                                    .count())
                            .isEqualTo(RECORDS));
            double seconds = (System.nanoTime() - start) / 1e9;
            Timer latency =
                    ctx.registry().get("visibility.indexer.commit.to.indexed").timer();
            report.add(String.format(
                    "indexer: %d records in %.2f s = %.0f docs/s; commit->indexed %s",
                    RECORDS, seconds, RECORDS / seconds, percentiles(latency)));
        }
        report.forEach(line -> LOG.info("BENCHMARK {}", line));
        Files.write(Path.of("target", "indexer-benchmark.txt"), report);
        assertThat(ctx.failure()).isNull();
    }

    private static void produceBurst(LocalStack stack, String topicPrefix) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        stack.kafka().bootstrapServers(),
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                Row row = Row.running("bench-" + i, "run-" + i);
                producer.send(new ProducerRecord<>(
                        Topics.visibilityExecutions(topicPrefix),
                        DebeziumRecords.key(row, false),
                        DebeziumRecords.upsert("c", row, 1000L + i, System.currentTimeMillis(), false)));
            }
            producer.flush();
        }
    }

    private static String percentiles(Timer timer) {
        StringBuilder text = new StringBuilder();
        for (ValueAtPercentile p : timer.takeSnapshot().percentileValues()) {
            text.append(String.format("p%.0f=%.0f ms ", p.percentile() * 100, p.value(TimeUnit.MILLISECONDS)));
        }
        return text.toString().trim();
    }

    private static List<VisibilityDocument> documents() {
        VisibilityDocumentMapper mapper = new VisibilityDocumentMapper();
        JsonChangeEventDecoder decoder = new JsonChangeEventDecoder();
        List<VisibilityDocument> docs = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            Row row = Row.running("bench-" + i, "run-" + i);
            docs.add(mapper.toDocument(decoder.decode("t", null, DebeziumRecords.upsert("c", row, i, 0L, false))
                    .row()));
        }
        return docs;
    }

    private static IndexSettings freshIndex(EsConnection es) throws Exception {
        IndexSettings index = new IndexSettings(Names.unique("bench-es"), 1, 0, "1s");
        new IndexInstaller(es.rest(), index).install();
        return index;
    }

    private static String esBulkRate(LocalStack stack) throws Exception {
        List<VisibilityDocument> docs = documents();
        EsTestClient http = new EsTestClient(stack.elasticsearch().url());
        try (EsConnection es =
                EsConnection.open(List.of(URI.create(stack.elasticsearch().url())), null, null)) {
            IndexSettings index = freshIndex(es);
            long start = System.nanoTime();
            for (int from = 0; from < docs.size(); from += BULK_SIZE) {
                StringBuilder body = new StringBuilder();
                for (int i = from; i < Math.min(docs.size(), from + BULK_SIZE); i++) {
                    body.append("{\"index\":{\"_index\":\"")
                            .append(index.alias())
                            .append("\",\"_id\":\"")
                            .append(docs.get(i).id())
                            .append("\",\"version\":")
                            .append(i + 1)
                            .append(",\"version_type\":\"external\"}}\n")
                            .append(docs.get(i).source())
                            .append('\n');
                }
                assertThat(http.post("/_bulk", body.toString(), "application/x-ndjson")
                                .json()
                                .path("errors")
                                .asBoolean())
                        .isFalse();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(
                    "elasticsearch _bulk (%d per request): %d docs in %.2f s = %.0f docs/s",
                    BULK_SIZE, docs.size(), seconds, docs.size() / seconds);
        }
    }

    private static String esSingleRequestRate(LocalStack stack) throws Exception {
        List<VisibilityDocument> docs = documents();
        try (EsConnection es =
                EsConnection.open(List.of(URI.create(stack.elasticsearch().url())), null, null)) {
            ElasticsearchEsWriter writer =
                    new ElasticsearchEsWriter(es.client(), freshIndex(es).alias());
            long start = System.nanoTime();
            for (int i = 0; i < docs.size(); i++) {
                writer.index(docs.get(i), i + 1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return String.format(
                    "elasticsearch one index request per document (the writer alone): %d docs in %.2f s = %.0f docs/s",
                    docs.size(), seconds, docs.size() / seconds);
        }
    }
}
