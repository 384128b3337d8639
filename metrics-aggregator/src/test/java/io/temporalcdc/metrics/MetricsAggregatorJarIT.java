package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Ports;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real deployable jar, as its own process: a missing setting exits 2 naming it; a SIGKILL while changes stream
 * in leaves results equal to the view once restarted (exactly-once: nothing counted twice, nothing lost); SIGTERM
 * exits 0.
 */
class MetricsAggregatorJarIT {
    private static final Duration EXIT_WITHIN = Duration.ofSeconds(40);
    private static final Path LOGS = Path.of("target", "jar-it");
    private static AggregatorFixture fixture;

    private final List<JavaApp> apps = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        fixture = new AggregatorFixture("jar");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    @AfterEach
    void stopApps() {
        apps.forEach(JavaApp::close);
    }

    private JavaApp startJar(String name, List<String> args) {
        JavaApp app = JavaApp.start(
                name, JavaApp.jarOf("metrics-aggregator"), args, Map.of(), LOGS.resolve(Names.unique(name) + ".log"));
        apps.add(app);
        return app;
    }

    private static int freePort() {
        return Ports.free();
    }

    @Test
    void shouldExitTwoNamingAMissingRequiredSetting() {
        JavaApp app = startJar("no-settings", List.of("http.port=0"));

        OptionalInt exit = app.waitFor(EXIT_WITHIN);

        assertThat(exit).hasValue(2);
        assertThat(String.join("\n", app.lastLines(20))).contains("kafka.bootstrap.servers");
    }

    @Test
    void shouldExitOneRefusingAnApplicationIdThatHoldsTheRunsOfAnEarlierVersion() throws Exception {
        String applicationId = Names.unique("agg-former");
        String former = applicationId + "-runs-changelog";
        try (Admin admin =
                Admin.create(Map.of("bootstrap.servers", fixture.stack.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(former, 1, (short) 1)))
                    .all()
                    .get();
        }

        JavaApp app = startJar("former-state", refusedSettings(applicationId));

        assertThat(app.waitFor(EXIT_WITHIN)).hasValue(1);
        assertThat(String.join("\n", app.lastLines(20))).contains("application.id", former, "Rebuilding");
    }

    @Test
    void shouldExitOneRefusingDaysCountedWithoutTheirRuns() throws Exception {
        String applicationId = Names.unique("agg-orphan");
        String groups = applicationId + "-groups-changelog";
        String bootstrap = fixture.stack.kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(groups, 1, (short) 1)))
                    .all()
                    .get();
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", bootstrap), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(groups, "ns\0type\02026-12-01", "a day"))
                    .get();
        }

        JavaApp app = startJar("orphan-days", refusedSettings(applicationId));

        assertThat(app.waitFor(EXIT_WITHIN)).hasValue(1);
        assertThat(String.join("\n", app.lastLines(20)))
                .contains("application.id", groups, applicationId + "-runs-by-key-changelog", "Rebuilding");
    }

    /** The arguments of an aggregator under {@code applicationId}. */
    private static List<String> refusedSettings(String applicationId) throws Exception {
        Map<String, String> settings = new HashMap<>(fixture.settings());
        settings.put("application.id", applicationId);
        settings.put("http.port", Integer.toString(freePort()));
        List<String> args = new ArrayList<>();
        settings.forEach((key, value) -> args.add(key + "=" + value));
        return args;
    }

    @Test
    void shouldEqualTheViewAfterASigkillUnderAWriterAndARestart() throws Exception {
        List<String> namespaces = List.of(Names.unique("kill-a"), Names.unique("kill-b"));
        Workload workload = new Workload(fixture.jdbcUrl, 23, namespaces, List.of("order", "refund"));
        int port = freePort();
        List<String> args = new ArrayList<>();
        fixture.settings().forEach((key, value) -> args.add(key + "=" + value));
        args.add("http.port=" + port);
        JavaApp first = startJar("aggregator", args);
        awaitUp(port);

        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writer = Executors.newSingleThreadExecutor();
        Future<?> written = writer.submit(() -> {
            while (writing.get()) {
                workload.start(200, 3);
                workload.close(0.3);
            }
            workload.delete(0.05);
            workload.moveAcrossMidnight(10);
            return null;
        });
        try {
            // killed once it has counted part of the stream
            await().atMost(AggregatorFixture.WAIT)
                    .until(() -> fixture.apiRows(port, namespaces).stream()
                                    .mapToLong(row -> row.total())
                                    .sum()
                            > 500);
            first.kill();
            Thread.sleep(1_000);
            // the same state directory, left dirty by the kill: Kafka Streams wipes it and restores the changelogs
            JavaApp second = startJar("aggregator-restarted", args);
            awaitUp(port);
            Thread.sleep(2_000);
            writing.set(false);
            written.get();

            fixture.awaitEqualToView(port, namespaces);
            assertThat(fixture.viewRows().stream()
                            .filter(row -> namespaces.contains(row.namespace()))
                            .mapToLong(row -> row.total())
                            .sum())
                    .isGreaterThan(1_000);
            assertThat(second.terminate(EXIT_WITHIN)).isZero();
        } finally {
            writing.set(false);
            writer.shutdownNow();
        }
    }

    private static void awaitUp(int port) {
        await().atMost(AggregatorFixture.WAIT)
                .ignoreExceptions()
                .untilAsserted(
                        () -> assertThat(fixture.get(port, "/health").status()).isEqualTo(200));
    }
}
