package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.schemas.WorkflowMetricsView;
import io.temporalcdc.testsupport.Names;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The aggregator against the seed's own SQL, end to end over the real servers: a generated workload committed to
 * PostgreSQL, captured by the real cdc-source, aggregated by the real app (in this JVM, exactly-once, RocksDB state);
 * the view refreshed on the same rows; the API equal to it. One database and cdc-source for the class; each test has
 * its own namespaces and its own aggregator (application id).
 */
class CrossCheckIT {
    private static final List<String> TYPES = List.of("order", "payment", "shipment-with-a-longer-type-name");
    private static AggregatorFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new AggregatorFixture("cross");
    }

    @AfterAll
    static void stop() throws Exception {
        if (fixture != null) {
            fixture.close();
        }
    }

    private static List<String> namespaces(String test) {
        // CHAR(64) columns: the API answers without the padding
        return List.of(Names.unique(test + "-a"), Names.unique(test + "-b"));
    }

    /** Thousands of runs over five days: starts, closes with every status, second closes, deletes, midnight moves. */
    private static void fullWorkload(Workload workload) throws Exception {
        workload.start(2_500, 5);
        workload.close(0.6);
        workload.reclose(150);
        workload.delete(0.05);
        workload.moveAcrossMidnight(40);
        workload.close(0.5);
    }

    @Test
    void shouldEqualTheSeedsViewUnderClosesDeletesAndStartTimesMovedAcrossMidnight() throws Exception {
        List<String> namespaces = namespaces("view");
        Workload workload = new Workload(fixture.jdbcUrl, 7, namespaces, TYPES);
        try (AggregatorFixture.Aggregator aggregator = fixture.startAggregator(settings("view"))) {
            fullWorkload(workload);

            WorkflowMetricsView.Comparison comparison = fixture.awaitEqualToView(aggregator.port(), namespaces);

            // two namespaces × three types × six UTC days touched (five back and today)
            assertThat(comparison.viewGroups()).isGreaterThanOrEqualTo(30);
            assertThat(comparison.apiGroups()).isEqualTo(comparison.viewGroups());
            assertStatusesBeyondTheView(aggregator.port(), namespaces);
            assertRollingDayEqualsSql(aggregator.port(), namespaces.get(0));
        }
    }

    @Test
    void shouldGiveTheSameResultsAfterARestartWithItsStateRestoredFromTheChangelogs() throws Exception {
        List<String> namespaces = namespaces("restart");
        Workload workload = new Workload(fixture.jdbcUrl, 11, namespaces, TYPES);
        Map<String, String> settings = settings("restart");
        try (AggregatorFixture.Aggregator first = fixture.startAggregator(settings)) {
            workload.start(1_500, 3);
            workload.close(0.5);
            fixture.awaitEqualToView(first.port(), namespaces);
            // mid-stream: stopped while changes are still arriving
            workload.reclose(100);
        }
        workload.delete(0.05);
        workload.moveAcrossMidnight(20);
        workload.close(0.7);
        // a new, empty state directory: everything comes back from the changelog topics
        Map<String, String> restarted = new HashMap<>(settings);
        restarted.put("streams.state.dir", fixture.settings().get("streams.state.dir"));
        try (AggregatorFixture.Aggregator second = fixture.startAggregator(restarted)) {
            WorkflowMetricsView.Comparison comparison = fixture.awaitEqualToView(second.port(), namespaces);
            assertThat(comparison.viewGroups()).isGreaterThanOrEqualTo(16);
        }
    }

    @Test
    void shouldAnswerEveryGroupFromEitherOfTwoInstances() throws Exception {
        List<String> namespaces = namespaces("two");
        // 40 namespace × type keys over 3 partitions: each instance holds some (all on one: (2/3)^40)
        List<String> types = java.util.stream.IntStream.range(0, 20)
                .mapToObj(n -> "type-" + n)
                .toList();
        Workload workload = new Workload(fixture.jdbcUrl, 13, namespaces, types);
        Map<String, String> settings = settings("two");
        // both instances take active tasks at once, whatever the earlier tests left in the shared topic
        settings.put("streams.acceptable.recovery.lag", Long.toString(Long.MAX_VALUE));
        try (AggregatorFixture.Aggregator one = fixture.startAggregator(settings);
                AggregatorFixture.Aggregator two = fixture.startAggregator(withOwnStateDir(settings))) {
            fullWorkload(workload);

            WorkflowMetricsView.Comparison fromOne = fixture.awaitEqualToView(one.port(), namespaces);
            WorkflowMetricsView.Comparison fromTwo = fixture.awaitEqualToView(two.port(), namespaces);

            assertThat(fromOne.apiGroups()).isEqualTo(fromTwo.apiGroups()).isGreaterThanOrEqualTo(100);
            // the groups really are spread over both: each holds some of them locally
            int localOne = fixture.get(one.port(), localQuery(namespaces.get(0)))
                            .body()
                            .size()
                    + fixture.get(one.port(), localQuery(namespaces.get(1)))
                            .body()
                            .size();
            int localTwo = fixture.get(two.port(), localQuery(namespaces.get(0)))
                            .body()
                            .size()
                    + fixture.get(two.port(), localQuery(namespaces.get(1)))
                            .body()
                            .size();
            assertThat(localOne).isPositive();
            assertThat(localTwo).isPositive();
            assertThat(localOne + localTwo).isEqualTo(fromOne.apiGroups());
        }
    }

    @Test
    void shouldDeadLetterAPoisonChangeWithItsReasonAndCarryOn() throws Exception {
        List<String> namespaces = namespaces("poison");
        Workload workload = new Workload(fixture.jdbcUrl, 17, namespaces, TYPES);
        try (AggregatorFixture.Aggregator aggregator = fixture.startAggregator(settings("poison"));
                KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                fixture.stack.kafka().bootstrapServers()),
                        new ByteArraySerializer(),
                        new ByteArraySerializer())) {
            String topic = Topics.visibilityExecutions(fixture.prefix);
            // to every partition: not JSON at all
            for (int partition = 0; partition < 3; partition++) {
                producer.send(new ProducerRecord<>(
                                topic,
                                partition,
                                "{\"poison\":1}".getBytes(StandardCharsets.UTF_8),
                                "not a change event".getBytes(StandardCharsets.UTF_8)))
                        .get();
            }
            workload.start(300, 2);
            workload.close(0.5);

            fixture.awaitEqualToView(aggregator.port(), namespaces);
            List<ConsumerRecord<byte[], byte[]>> dead = deadLetters(3);
            assertThat(dead).hasSize(3);
            for (ConsumerRecord<byte[], byte[]> record : dead) {
                assertThat(header(record, DeadLetters.REASON)).isNotBlank();
                assertThat(new String(record.value(), StandardCharsets.UTF_8)).isEqualTo("not a change event");
            }
        }
    }

    @Test
    void shouldRefuseBadParametersWithA400NamingTheParameter() throws Exception {
        try (AggregatorFixture.Aggregator aggregator = fixture.startAggregator(settings("params"))) {
            int port = aggregator.port();
            assertRefused(port, MetricsApi.PATH, "namespace");
            assertRefused(port, MetricsApi.PATH + "?namespace=a&from=2026-13-01", "from");
            assertRefused(port, MetricsApi.PATH + "?namespace=a&to=yesterday", "to");
            assertRefused(port, MetricsApi.PATH + "?namespace=a&from=2026-11-02&to=2026-11-01", "from");
            assertRefused(port, MetricsApi.PATH + "?namespace=a&status=1", "status");
            assertRefused(port, MetricsApi.PATH + "?namespace=a&workflowType=", "workflowType");
            assertRefused(port, MetricsApi.ROLLING_PATH + "?namespace=a", "window");
            assertRefused(port, MetricsApi.ROLLING_PATH + "?namespace=a&window=2h", "window");
            assertRefused(port, MetricsApi.PATH + "?namespace=a&scope=everything", "scope");
            AggregatorFixture.Answer none = fixture.get(port, MetricsApi.PATH + "?namespace=nobody");
            assertThat(none.status()).isEqualTo(200);
            assertThat(none.body().isArray()).isTrue();
            assertThat(none.body()).isEmpty();
        }
    }

    private static void assertRefused(int port, String pathAndQuery, String parameter) throws Exception {
        AggregatorFixture.Answer answer = fixture.get(port, pathAndQuery);
        assertThat(answer.status()).as(pathAndQuery).isEqualTo(400);
        assertThat(answer.body().path("parameter").asText()).as(pathAndQuery).isEqualTo(parameter);
        assertThat(answer.body().path("error").asText()).as(pathAndQuery).contains(parameter);
    }

    /** running, terminated, continuedAsNew, timedOut: not in the view, checked against SQL all the same. */
    private static void assertStatusesBeyondTheView(int port, List<String> namespaces) throws Exception {
        Map<String, long[]> expected = new HashMap<>();
        try (Connection c = fixture.connect();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery("SELECT rtrim(namespace_id), workflow_type_name,"
                        + " DATE(start_time), COUNT(*) FILTER (WHERE status = 1), COUNT(*) FILTER (WHERE status = 5),"
                        + " COUNT(*) FILTER (WHERE status = 6), COUNT(*) FILTER (WHERE status = 7)"
                        + " FROM temporal_visibility.executions GROUP BY 1, 2, 3")) {
            while (rs.next()) {
                expected.put(
                        rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getObject(3),
                        new long[] {rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getLong(7)});
            }
        }
        int checked = 0;
        for (String namespace : namespaces) {
            JsonNode rows = fixture.get(port, MetricsApi.PATH + "?namespace=" + namespace)
                    .body();
            for (JsonNode row : rows) {
                long[] counts = expected.get(row.path("namespace").asText() + "/"
                        + row.path("workflowType").asText() + "/"
                        + row.path("date").asText());
                assertThat(counts).as("%s", row).isNotNull();
                assertThat(new long[] {
                            row.path("running").asLong(),
                            row.path("terminated").asLong(),
                            row.path("continuedAsNew").asLong(),
                            row.path("timedOut").asLong()
                        })
                        .as("%s", row)
                        .containsExactly(counts);
                checked++;
            }
        }
        assertThat(checked).isPositive();
    }

    /**
     * The 24 h window of a namespace against SQL over the same minutes (the current one and the 1,439 before it):
     * runs started, runs closed by status. Counted again when the minute turned during the query.
     */
    private static void assertRollingDayEqualsSql(int port, String namespace) throws Exception {
        // closes can lie ahead (a run started an hour ago that lasts two): the window ends with the current minute
        String sql = "SELECT COUNT(*) FILTER (WHERE start_time >= w AND start_time < e),"
                + " COUNT(*) FILTER (WHERE close_time >= w AND close_time < e AND status = 2),"
                + " COUNT(*) FILTER (WHERE close_time >= w AND close_time < e AND status = 7)"
                + " FROM temporal_visibility.executions, (SELECT date_trunc('minute', now() AT TIME ZONE 'UTC')"
                + " - interval '1439 minutes' AS w, date_trunc('minute', now() AT TIME ZONE 'UTC')"
                + " + interval '1 minute' AS e) AS since WHERE namespace_id = '" + namespace + "'";
        await().atMost(AggregatorFixture.WAIT).untilAsserted(() -> {
            long[] before = counts(sql);
            JsonNode rows = fixture.get(port, MetricsApi.ROLLING_PATH + "?namespace=" + namespace + "&window=24h")
                    .body();
            long[] after = counts(sql);
            assertThat(before).as("the minute turned during the query").isEqualTo(after);
            long started = 0;
            long completed = 0;
            long timedOut = 0;
            for (JsonNode row : rows) {
                assertThat(row.path("window").asText()).isEqualTo("24h");
                assertThat(row.has("p95DurationSeconds")).isTrue();
                started += row.path("started").asLong();
                completed += row.path("completed").asLong();
                timedOut += row.path("timedOut").asLong();
            }
            assertThat(new long[] {started, completed, timedOut}).containsExactly(before);
            assertThat(started).isPositive();
        });
    }

    private static long[] counts(String sql) throws Exception {
        try (Connection c = fixture.connect();
                Statement statement = c.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3)};
        }
    }

    private static String localQuery(String namespace) {
        return MetricsApi.PATH + "?namespace=" + namespace + "&" + MetricsApi.SCOPE + "=local";
    }

    private static Map<String, String> settings(String test) throws Exception {
        Map<String, String> settings = fixture.settings();
        settings.put("application.id", Names.unique("agg-" + test));
        return settings;
    }

    private static Map<String, String> withOwnStateDir(Map<String, String> settings) throws Exception {
        Map<String, String> own = new HashMap<>(settings);
        own.put("streams.state.dir", fixture.settings().get("streams.state.dir"));
        return own;
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters(int atLeast) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.stack.kafka().bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.metricsAggregatorDlq(fixture.prefix)));
            List<ConsumerRecord<byte[], byte[]>> records = new java.util.ArrayList<>();
            await().atMost(AggregatorFixture.WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return records.size() >= atLeast;
            });
            return records;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
