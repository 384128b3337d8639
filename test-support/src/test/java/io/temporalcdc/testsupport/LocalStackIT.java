package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

class LocalStackIT {

    private final LocalStack stack = LocalStack.shared();

    @Test
    void shouldRunPostgresWithLogicalWalLevel() throws SQLException {
        try (Connection connection = stack.postgres().connect();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SHOW wal_level")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
    }

    @Test
    void shouldConnectAsTrustedTemporalUserThroughJdbcUrl() throws SQLException {
        try (Connection connection =
                        DriverManager.getConnection(stack.postgres().jdbcUrl());
                Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT current_user, current_database(), rolreplication, rolsuper"
                                + " FROM pg_roles WHERE rolname = current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("temporal");
            assertThat(rs.getString(2)).isEqualTo("temporal");
            assertThat(rs.getBoolean(3)).isTrue();
            assertThat(rs.getBoolean(4)).isTrue();
        }
    }

    @Test
    void shouldCreateFreshDatabase() throws SQLException {
        String url = stack.postgres().createDatabase(Names.unique("db"));
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE t (id int PRIMARY KEY)");
            try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM t")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isZero();
            }
        }
    }

    @Test
    void shouldRequirePasswordOfPasswordUser() throws SQLException {
        String user = Names.unique("user").replace('-', '_');
        stack.postgres().createPasswordUser(user, "s3cret'pw");
        String base = "jdbc:postgresql://127.0.0.1:" + stack.postgres().port() + "/temporal";

        try (Connection connection = DriverManager.getConnection(base, user, "s3cret'pw");
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT current_user")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(user);
        }
        assertThatThrownBy(
                        () -> DriverManager.getConnection(base, user, "wrong").close())
                .isInstanceOf(SQLException.class)
                .hasMessageContaining("password authentication failed");
        assertThatThrownBy(() ->
                        DriverManager.getConnection(base + "?user=" + user).close())
                .isInstanceOf(SQLException.class);
    }

    @Test
    void shouldProduceAndConsumeOneRecordOnNewTopic() throws Exception {
        String topic = Names.unique("topic");
        stack.kafka().createTopic(topic, 2);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerProps())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                assertThat(received)
                        .extracting(ConsumerRecord::key, ConsumerRecord::value)
                        .containsExactly(org.assertj.core.groups.Tuple.tuple("k", "v"));
            });
        }
    }

    @Test
    void shouldReportElasticsearchClusterHealthy() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.elasticsearch().url() + "/_cluster/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).containsPattern("\"status\":\"(green|yellow)\"");
    }

    @Test
    void shouldAnswerRedisPing() throws IOException {
        assertThat(stack.redis().uri())
                .isEqualTo("redis://127.0.0.1:" + stack.redis().port());
        assertThat(ping(stack.redis().port())).isEqualTo("+PONG\r\n");
    }

    /** Sends PING to the Redis on {@code port}; returns the first 7 bytes of its answer. */
    static String ping(int port) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void shouldDescribeEndpointsAsJson() {
        assertThat(stack.endpointsJson())
                .matches(
                        "\\{\"postgres\":\"jdbc:postgresql://127\\.0\\.0\\.1:\\d+/temporal\\?user=temporal\","
                                + "\"elasticsearch\":\"http://127\\.0\\.0\\.1:\\d+\",\"kafka\":\"127\\.0\\.0\\.1:\\d+\",\"redis\":\"redis://127\\.0\\.0\\.1:\\d+\"}");
    }

    @Test
    void shouldServeTheConfluentRegistryApiWithBackwardCompatibility() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> config = http.send(
                java.net.http.HttpRequest.newBuilder(
                                java.net.URI.create(stack.schemaRegistry().url() + "/config"))
                        .build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());

        assertThat(stack.schemaRegistry().url()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");
        assertThat(config.statusCode()).isEqualTo(200);
        assertThat(config.body()).contains("BACKWARD");
    }

    @Test
    void shouldKeepServerLogsInRunDir() {
        for (Path log : List.of(
                stack.postgres().logFile(),
                stack.kafka().logFile(),
                stack.elasticsearch().logFile(),
                stack.redis().logFile(),
                stack.schemaRegistry().logFile())) {
            assertThat(log).startsWith(stack.runDir()).isNotEmptyFile();
        }
    }

    @Test
    void shouldLeaveNoProcessBehindWhenClosed() throws IOException {
        Path base = Path.of("target", "local-stack-close-test");
        List<Long> pids;
        Path runDir;
        List<Integer> ports;
        StackBackend backend;
        try (LocalStack second = LocalStack.start(StackOptions.defaults().withBaseDir(base))) {
            runDir = second.runDir();
            backend = second.backend();
            pids = recordedPids(runDir);
            ports = List.of(
                    second.postgres().port(),
                    second.redis().port(),
                    port(second.kafka().bootstrapServers()),
                    port(second.elasticsearch().url()),
                    java.net.URI.create(second.schemaRegistry().url()).getPort());
            if (backend == StackBackend.PROCESSES) {
                assertThat(pids)
                        .hasSize(5)
                        .allMatch(pid -> ProcessHandle.of(pid)
                                .map(ProcessHandle::isAlive)
                                .orElse(false));
            } else {
                assertThat(ContainerEngine.containersOf(runDir)).hasSize(5);
            }
        }
        assertThat(pids).noneMatch(pid -> Procs.commandLine(pid).isPresent());
        if (backend == StackBackend.CONTAINERS) {
            assertThat(ContainerEngine.containersOf(runDir))
                    .as("containers left")
                    .isEmpty();
        }
        assertThat(ports).allMatch(Ports::isFree);
        assertThat(stack.postgres().port()).isNotIn(ports);
    }

    private static int port(String endpoint) {
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    private static List<Long> recordedPids(Path runDir) throws IOException {
        try (Stream<Path> files = Files.list(runDir)) {
            return files.filter(f -> f.toString().endsWith(".pid"))
                    .map(PidRecord::read)
                    .flatMap(java.util.Optional::stream)
                    .map(PidRecord::pid)
                    .toList();
        }
    }

    private Properties producerProps() {
        Properties props = new Properties();
        props.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName()));
        return props;
    }

    private Properties consumerProps() {
        Properties props = new Properties();
        props.putAll(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.kafka().bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                Names.unique("group"),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                StringDeserializer.class.getName()));
        return props;
    }
}
