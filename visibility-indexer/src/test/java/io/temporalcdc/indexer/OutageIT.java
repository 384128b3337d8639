package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.indexer.DebeziumRecords.At;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.OwnServers;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The indexer through outages of the servers it writes to and reads from: a Kafka broker and an Elasticsearch node
 * of the test's own, stopped for 30 s and started again while changes keep coming. Nothing is lost, nothing good is
 * dead-lettered, readiness says DOWN meanwhile, and the app recovers by itself; past {@code
 * elasticsearch.retry.max.duration} it stops instead, and a new instance resumes from the committed offsets.
 */
class OutageIT {
    private static final Duration OUTAGE = Duration.ofSeconds(30);
    private static final Duration WAIT = Duration.ofMinutes(3);

    private static OwnServers servers;
    private static EsTestClient es;

    @BeforeAll
    static void startOwnServers() {
        servers = OwnServers.start(Path.of("target", "own-servers"));
        es = new EsTestClient(servers.elasticsearch().url());
    }

    @AfterAll
    static void stopOwnServers() {
        if (servers != null) {
            servers.close();
        }
    }

    private static Map<String, String> settings(String name, String... extra) {
        Map<String, String> settings = new HashMap<>(IndexerTestSettings.onStack(
                name,
                name,
                name + "-app",
                "streams.state.dir",
                Path.of("target", "state", name).toString()));
        settings.put("kafka.bootstrap.servers", servers.kafka().bootstrapServers());
        settings.put("elasticsearch.url", servers.elasticsearch().url());
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return settings;
    }

    @Test
    void shouldRideOutAnElasticsearchOutageAndLoseNothing() throws Exception {
        String name = Names.unique("es-outage");
        EmbeddedAppContext ctx = EmbeddedAppContext.withHttp("visibility-indexer", "127.0.0.1", 0);
        try (Writer writer = new Writer(name);
                AutoCloseable app = VisibilityIndexerApp.start(settings(name), ctx)) {
            awaitReady(ctx);
            writer.start();
            writer.awaitMore(100);

            servers.stopElasticsearch();
            await().atMost(WAIT).until(() -> !ctx.isReady());
            HttpResponse<String> ready = health(ctx, "/health/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("\"status\":\"DOWN\"", "\"reason\":\"retrying");
            assertThat(health(ctx, "/health/live").statusCode())
                    .as("alive while retrying")
                    .isEqualTo(200);
            TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
            assertThat(ctx.failure()).isNull();
            assertThat(health(ctx, "/health/live").statusCode()).isEqualTo(200);
            servers.startElasticsearch();

            awaitReady(ctx);
            await().atMost(WAIT).until(() -> health(ctx, "/health/ready").statusCode() == 200);
            writer.awaitMore(100);
            writer.stop();
            awaitEqual(name, writer);
            assertThat(ctx.failure()).isNull();
            assertThat(deadLetters(ctx)).isZero();
        }
    }

    @Test
    void shouldRideOutAKafkaOutageAndLoseNothing() throws Exception {
        String name = Names.unique("kafka-outage");
        EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
        try (Writer writer = new Writer(name);
                AutoCloseable app = VisibilityIndexerApp.start(settings(name), ctx)) {
            awaitReady(ctx);
            writer.start();
            writer.awaitMore(100);

            servers.stopKafka();
            TimeUnit.MILLISECONDS.sleep(OUTAGE.toMillis());
            assertThat(ctx.failure()).isNull();
            servers.startKafka();

            writer.awaitMore(100);
            writer.stop();
            awaitEqual(name, writer);
            assertThat(ctx.failure()).isNull();
            assertThat(deadLetters(ctx)).isZero();
        }
    }

    @Test
    void shouldStopAfterTheRetryBoundAndResumeFromTheCommittedOffsets() throws Exception {
        String name = Names.unique("retry-bound");
        Map<String, String> settings = settings(name, "elasticsearch.retry.max.duration", "5s");
        EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
        try (Writer writer = new Writer(name)) {
            try (AutoCloseable app = VisibilityIndexerApp.start(settings, ctx)) {
                awaitReady(ctx);
                writer.start();
                writer.awaitMore(50);
                servers.stopElasticsearch();
                await().atMost(WAIT).until(() -> ctx.failure() != null);
                assertThat(ctx.failure()).contains("Elasticsearch sink failed", "gave up after retrying");
            }
            writer.stop();
            servers.startElasticsearch();

            EmbeddedAppContext restarted = new EmbeddedAppContext("visibility-indexer");
            try (AutoCloseable app = VisibilityIndexerApp.start(settings, restarted)) {
                awaitEqual(name, writer);
                assertThat(restarted.failure()).isNull();
            }
        }
    }

    private static HttpResponse<String> health(EmbeddedAppContext ctx, String path) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + ctx.httpPort() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitReady(EmbeddedAppContext ctx) {
        await().atMost(WAIT).until(ctx::isReady);
    }

    private static double deadLetters(EmbeddedAppContext ctx) {
        return ctx.registry().get("visibility.indexer.dlq.records").counter().count()
                + ctx.registry()
                        .get("visibility.indexer.sink.dead.letters")
                        .counter()
                        .count();
    }

    /** Every row the writer changed has its document, with the last history length the writer gave it. */
    private static void awaitEqual(String index, Writer writer) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofSeconds(2))
                .untilAsserted(() -> assertThat(es.historyLengths(index)).isEqualTo(writer.expected()));
    }

    /**
     * Writes change records of 40 rows as Debezium would, about 50 a second: each an insert or an update with a
     * growing history length and a growing LSN; the producer keeps what it cannot send during an outage.
     */
    private static final class Writer implements AutoCloseable {
        private final String topic;
        private final KafkaProducer<byte[], byte[]> producer;
        private final Map<String, Long> expected = new ConcurrentHashMap<>();
        private final Map<String, Row> rows = new HashMap<>();
        private final AtomicLong sent = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean();
        private final AtomicLong lsn = new AtomicLong(10_000);
        private Thread thread;

        Writer(String prefix) {
            this.topic = Topics.visibilityExecutions(prefix);
            this.producer = new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            servers.kafka().bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all",
                            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                            300_000,
                            ProducerConfig.MAX_BLOCK_MS_CONFIG,
                            300_000),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
        }

        void start() {
            running.set(true);
            thread = new Thread(this::run, "outage-writer");
            thread.start();
        }

        private void run() {
            while (running.get()) {
                String runId = "run-" + ThreadLocalRandom.current().nextInt(40);
                Row row = rows.computeIfAbsent(runId, id -> Row.running("wf-" + id, id));
                long history = (Long) row.get("history_length") + 1;
                row.set("history_length", history);
                long at = lsn.addAndGet(100);
                String op = sent.get() == 0 || !expected.containsKey(id(row)) ? "c" : "u";
                producer.send(new ProducerRecord<>(
                        topic,
                        DebeziumRecords.key(row, true),
                        DebeziumRecords.upsert(op, row, new At(at - 50, at, System.currentTimeMillis()), true)));
                expected.put(id(row), history);
                sent.incrementAndGet();
                try {
                    TimeUnit.MILLISECONDS.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }

        void awaitMore(long records) {
            long from = sent.get();
            await().atMost(WAIT).until(() -> sent.get() >= from + records);
        }

        void stop() throws InterruptedException {
            running.set(false);
            if (thread != null) {
                thread.join();
            }
            producer.flush();
        }

        Map<String, Long> expected() {
            return Map.copyOf(expected);
        }

        private static String id(Row row) {
            return row.get("workflow_id") + "~" + row.get("run_id").toString().strip();
        }

        @Override
        public void close() throws InterruptedException {
            stop();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
