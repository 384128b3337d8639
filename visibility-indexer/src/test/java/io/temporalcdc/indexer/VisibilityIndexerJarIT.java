package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Ports;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The real deployable jar, as its own process: start-up failures name the setting; a healthy run indexes and stops on SIGTERM. */
class VisibilityIndexerJarIT {
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(30);
    private static final Path LOGS = Path.of("target", "jar-it");

    private final List<JavaApp> apps = new ArrayList<>();

    @AfterEach
    void stopApps() {
        apps.forEach(JavaApp::close);
    }

    private JavaApp start(String name, String... args) {
        return start(name, Map.of(), args);
    }

    private JavaApp start(String name, Map<String, String> env, String... args) {
        JavaApp app = JavaApp.start(
                name,
                JavaApp.jarOf("visibility-indexer"),
                List.of(args),
                env,
                LOGS.resolve(Names.unique(name) + ".log"));
        apps.add(app);
        return app;
    }

    private static int freePort() {
        return Ports.free();
    }

    private static String lastLine(JavaApp app) {
        List<String> lines = app.lastLines(1);
        return lines.isEmpty() ? "" : lines.get(0);
    }

    @Test
    void shouldLogJsonLinesWhenAskedInTheEnvironmentOrTheConfiguration() throws Exception {
        JavaApp fromEnvironment =
                start("json-env", Map.of("APP_LOG_FORMAT", "json"), "elasticsearch.url=http://127.0.0.1:1");
        JavaApp fromArgument = start(
                "json-arg",
                "log.format=json",
                "kafka.bootstrap.servers=127.0.0.1:" + freePort(),
                "elasticsearch.url=http://127.0.0.1:" + freePort(),
                "http.port=0");

        assertThat(fromEnvironment.waitFor(EXIT_WITHIN)).hasValue(2);
        assertThat(fromArgument.waitFor(EXIT_WITHIN)).hasValue(1);
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.JsonNode invalid = json.readTree(lastLine(fromEnvironment));
        assertThat(invalid.path("level").asText()).isEqualTo("ERROR");
        assertThat(invalid.path("message").asText()).contains("kafka.bootstrap.servers");
        assertThat(invalid.has("@timestamp")).isTrue();
        // every line from the first one is JSON (no logback status printed in text before it)
        for (String line : fromEnvironment.lastLines(10_000)) {
            assertThat(json.readTree(line).isObject()).as(line).isTrue();
        }
        com.fasterxml.jackson.databind.JsonNode unreachable = json.readTree(lastLine(fromArgument));
        assertThat(unreachable.path("logger_name").asText()).isEqualTo("io.temporalcdc.runtime.App");
        assertThat(unreachable.path("message").asText()).contains("kafka.bootstrap.servers");
    }

    @Test
    void shouldExitNamingAnUnknownLogFormatInTextLines() throws Exception {
        JavaApp app = start("json-upper", Map.of("APP_LOG_FORMAT", "JSON"), "elasticsearch.url=http://127.0.0.1:1");

        assertThat(app.waitFor(EXIT_WITHIN)).hasValue(2);
        assertThat(lastLine(app)).contains("ERROR").contains("APP_LOG_FORMAT=JSON is neither text nor json");
    }

    @Test
    void shouldExitNamingKafkaBootstrapServersWhenItIsMissing() throws Exception {
        JavaApp app = start("no-kafka-key", "elasticsearch.url=http://127.0.0.1:" + freePort(), "http.port=0");

        OptionalInt exit = app.waitFor(EXIT_WITHIN);

        assertThat(exit).isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        assertThat(lastLine(app)).contains("ERROR").contains("kafka.bootstrap.servers");
        // the app's own lines only: logback prints its whole status when its configuration warns
        assertThat(app.lastLines(10_000)).noneMatch(line -> line.contains("|-INFO in ch.qos.logback"));
    }

    @Test
    void shouldExitNamingKafkaBootstrapServersWhenNothingListens() throws Exception {
        JavaApp app = start(
                "kafka-down",
                "kafka.bootstrap.servers=127.0.0.1:" + freePort(),
                "elasticsearch.url=" + LocalStack.shared().elasticsearch().url(),
                "http.port=0");

        OptionalInt exit = app.waitFor(EXIT_WITHIN);

        assertThat(exit).isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        assertThat(lastLine(app)).contains("ERROR").contains("kafka.bootstrap.servers");
        // the app's own lines only: logback prints its whole status when its configuration warns
        assertThat(app.lastLines(10_000)).noneMatch(line -> line.contains("|-INFO in ch.qos.logback"));
    }

    @Test
    void shouldExitNamingElasticsearchUrlWhenNothingListens() throws Exception {
        JavaApp app = start(
                "es-down",
                "kafka.bootstrap.servers=" + LocalStack.shared().kafka().bootstrapServers(),
                "elasticsearch.url=http://127.0.0.1:" + freePort(),
                "topic.prefix=" + Names.unique("jar-es-down"),
                "http.port=0");

        OptionalInt exit = app.waitFor(EXIT_WITHIN);

        assertThat(exit).isPresent();
        assertThat(exit.getAsInt()).isNotZero();
        assertThat(lastLine(app)).contains("ERROR").contains("elasticsearch.url");
    }

    @Test
    void shouldIndexServeHealthAndMetricsAndExitZeroOnSigterm() throws Exception {
        LocalStack stack = LocalStack.shared();
        String topicPrefix = Names.unique("jar");
        String indexPrefix = Names.unique("jar");
        int httpPort = freePort();
        JavaApp app = start(
                "indexer",
                "kafka.bootstrap.servers=" + stack.kafka().bootstrapServers(),
                "elasticsearch.url=" + stack.elasticsearch().url(),
                "topic.prefix=" + topicPrefix,
                "index.prefix=" + indexPrefix,
                "application.id=" + Names.unique("jar-app"),
                "index.shards=1",
                "index.replicas=0",
                "index.refresh.interval=1s",
                "http.port=" + httpPort,
                "http.host=127.0.0.1");
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90))
                .ignoreExceptions()
                .untilAsserted(() ->
                        assertThat(get(http, httpPort, "/health").statusCode()).isEqualTo(200));
        Row row = Row.running("wf-" + UUID.randomUUID(), UUID.randomUUID().toString());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            Topics.visibilityExecutions(topicPrefix),
                            DebeziumRecords.key(row, false),
                            DebeziumRecords.upsert("c", row, 77L, System.currentTimeMillis(), false)))
                    .get();
        }
        EsTestClient es = new EsTestClient(stack.elasticsearch().url());
        String id = row.get("workflow_id") + "~" + row.get("run_id").toString().strip();

        await().atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(es.document(indexPrefix, id)).isNotNull());
        assertThat(get(http, httpPort, "/metrics").body()).contains("visibility_indexer_documents_indexed_total 1.0");
        assertThat(app.terminate(Duration.ofSeconds(40))).isZero();
    }

    private static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
