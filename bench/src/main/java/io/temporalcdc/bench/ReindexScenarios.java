package io.temporalcdc.bench;

import static io.temporalcdc.bench.Measure.await;
import static io.temporalcdc.bench.Measure.rate;
import static io.temporalcdc.bench.Measure.seconds;

import io.temporalcdc.indexer.DocumentHeaders;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.LocalStack;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code temporal-cdc reindex} replaying a documents topic of {@code documents} visibility documents into a new
 * index, against raw {@code _bulk} of the same documents into an index of the same shape on the same node, in the same
 * run. The tool runs as its own process (its jar, as operators run it), so its RSS is its own.
 */
final class ReindexScenarios {
    private static final Logger LOG = LoggerFactory.getLogger(ReindexScenarios.class);
    private static final int BULK = 2_000;
    private static final int IN_FLIGHT = 4;
    private static final int PARTITIONS = 6;

    private final LocalStack stack;
    private final Path logDir;
    private final Report report;
    private final Es es;

    ReindexScenarios(LocalStack stack, Path logDir, Report report) {
        this.stack = stack;
        this.logDir = logDir;
        this.report = report;
        this.es = new Es(stack.elasticsearch().url());
    }

    /** One visibility document, as the indexer writes it: JSON under the seed's mapping. */
    static byte[] document(int i) {
        String run = String.format("%08d-0000-4000-8000-%012d", i, i);
        String json = "{\"NamespaceId\":\"bench-reindex-" + (i % 10) + "\",\"WorkflowId\":\"wf-" + i
                + "\",\"RunId\":\"" + run + "\",\"WorkflowType\":\"Type" + (i % 20)
                + "\",\"StartTime\":\"2026-03-04T05:06:07.000000Z\",\"ExecutionTime\":\"2026-03-04T05:06:08.000000Z\""
                + (i % 3 == 0
                        ? ",\"CloseTime\":\"2026-03-04T05:07:00.000000Z\",\"ExecutionStatus\":2,"
                                + "\"ExecutionDuration\":52000000000"
                        : ",\"ExecutionStatus\":1")
                + ",\"HistoryLength\":" + (i % 97) + ",\"TaskQueue\":\"queue-" + (i % 5) + "\"}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    static String id(int i) {
        return "wf-" + i + "~" + String.format("%08d-0000-4000-8000-%012d", i, i);
    }

    void replay(int documents) throws Exception {
        String prefix = "bench-reindex";
        String alias = prefix + "_visibility";
        String topic = Topics.visibilityDocuments(prefix);
        fill(topic, documents);

        String ceilingIndex = alias + "_ceiling";
        es.createIndex(ceilingIndex, 1, 0, "-1");
        double ceiling = es.bulkGenerated(
                ceilingIndex, documents, BULK, IN_FLIGHT, ReindexScenarios::id, ReindexScenarios::document);
        es.delete(ceilingIndex);
        LOG.info("raw _bulk: {} docs/s", rate(documents, ceiling));

        try (EsConnection connection =
                EsConnection.open(List.of(URI.create(stack.elasticsearch().url())), null, null)) {
            new IndexInstaller(connection.rest(), new IndexSettings(alias, 1, 0, "1s"), false).install();
        }
        Path jar = Path.of("cli", "target", "temporal-cdc.jar");
        Path log = logDir.resolve("reindex.log");
        Files.createDirectories(logDir);
        Files.deleteIfExists(log);
        long start = System.nanoTime();
        try (JavaApp tool = JavaApp.start(
                "temporal-cdc-reindex",
                jar,
                List.of("-Xmx512m", "-XX:+UseSerialGC"),
                List.of(
                        "reindex",
                        "--bootstrap-servers",
                        stack.kafka().bootstrapServers(),
                        "--elasticsearch",
                        stack.elasticsearch().url(),
                        "--topic-prefix",
                        prefix,
                        "--alias",
                        alias,
                        "--yes",
                        "--progress",
                        "plain",
                        "--bulk-actions",
                        Integer.toString(BULK),
                        "--bulk-in-flight",
                        Integer.toString(IN_FLIGHT)),
                Map.of(),
                log)) {
            RssSampler rss = RssSampler.start(tool.pid());
            CpuShares cpu = CpuShares.start();
            double[] created = {Double.NaN};
            await("the reindex replayed the topic", Duration.ofMillis(100), () -> {
                String text = Files.exists(log) ? Files.readString(log) : "";
                if (Double.isNaN(created[0]) && text.contains("Created ")) {
                    created[0] = seconds(start);
                }
                if (!tool.isAlive() && !text.contains("Replayed the documents topic")) {
                    throw new IllegalStateException("the reindex stopped early: " + text);
                }
                return text.contains("Replayed the documents topic");
            });
            double replayed = seconds(start) - created[0];
            rss.stop();
            cpu.stop();
            int exit = tool.waitFor(Duration.ofMinutes(5)).orElse(-1);
            double total = seconds(start);
            report.row(
                    "reindex: replay of " + documents + " documents (temporal-cdc reindex, its own process)",
                    rate(documents, replayed) + " docs/s (" + String.format("%.1f", replayed) + " s)",
                    "raw _bulk of the same documents, " + BULK + " per request, " + IN_FLIGHT + " in flight: "
                            + rate(documents, ceiling) + " docs/s",
                    ceiling / replayed,
                    "≥ 0.8×");
            report.note(String.format(
                    "reindex: the tool's RSS max %d MiB, mean %d MiB (-Xmx512m); whole run %.1f s to exit %d (start-up,"
                            + " replay, alias swap, catch-up); CPU during the replay: %s.",
                    rss.maxMiB(), rss.meanMiB(), total, exit, cpu.describe()));
        }
    }

    /** Writes the documents topic as the indexer's topology does: key = id, value = document, version headers. */
    private void fill(String topic, int documents) throws Exception {
        String bootstrap = stack.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(
                            new NewTopic(topic, PARTITIONS, (short) 1).configs(Map.of("cleanup.policy", "compact"))))
                    .all()
                    .get();
        }
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ProducerConfig.LINGER_MS_CONFIG,
                        20,
                        ProducerConfig.BATCH_SIZE_CONFIG,
                        512 * 1024,
                        ProducerConfig.COMPRESSION_TYPE_CONFIG,
                        "lz4"),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long now = System.currentTimeMillis();
            for (int i = 0; i < documents; i++) {
                producer.send(new ProducerRecord<>(
                        topic,
                        null,
                        id(i).getBytes(StandardCharsets.UTF_8),
                        document(i),
                        DocumentHeaders.of(1_000L + i, now)));
            }
            producer.flush();
        }
        await(
                "the documents topic holds " + documents + " records",
                () -> Measure.endOffsets(bootstrap, topic) >= documents);
        LOG.info("{} documents in {} ({} s)", documents, topic, String.format("%.1f", seconds(start)));
    }
}
