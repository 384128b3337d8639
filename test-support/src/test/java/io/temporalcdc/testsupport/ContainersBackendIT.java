package io.temporalcdc.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * The containers backend under podman, as {@code bin/test --backend=containers} runs it: the servers' local images
 * ({@code compose/local/build-images.sh --servers}, no registry here), {@link StackMain} in a JVM of its own with
 * {@code stack.backend=containers} on podman's Docker-compatible socket and Ryuk off; the stack it describes serves
 * what the suite relies on (a trusted {@code temporal} superuser with logical decoding, scram-sha-256 for other roles,
 * topics, Elasticsearch, Redis, the registry at BACKWARD); a SIGKILLed stack's containers are removed by the next
 * start, and a SIGTERMed one removes its own.
 */
class ContainersBackendIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "containers-backend").toAbsolutePath();
    private static final List<String> SERVER_IMAGES = List.of(
            "localhost/temporal-cdc-local/postgres",
            "localhost/temporal-cdc-local/kafka",
            "localhost/temporal-cdc-local/elasticsearch",
            "localhost/temporal-cdc-local/redis",
            "localhost/temporal-cdc-local/schema-registry");

    @Test
    void shouldServeTheStackFromContainersAndLeaveNoneBehindAKilledRun() throws Exception {
        Optional<String> missing = Podman.missing();
        assumeTrue(missing.isEmpty(), () -> "the containers backend test needs podman: " + missing.orElseThrow());
        Files.createDirectories(WORK);
        try (Podman podman = Podman.start(WORK.resolve("podman"))) {
            Set<String> imagesBefore = images(podman);
            try {
                if (!imagesBefore.containsAll(SERVER_IMAGES)) {
                    buildServerImages(podman);
                }
                assertThat(ContainerEngine.pings(podman.env().get("DOCKER_HOST")))
                        .as("podman answers /_ping on its socket")
                        .isTrue();
                assertThat(ContainerEngine.pings("unix://" + WORK.resolve("no-such.sock")))
                        .isFalse();
                exercise(podman);
            } finally {
                removeImagesBuiltHere(podman, imagesBefore);
            }
        }
    }

    private void exercise(Podman podman) throws Exception {
        Path base = WORK.resolve("stacks");
        Stack killed = Stack.start(podman, base, "killed");
        try {
            assertThat(killed.firstLine()).isEqualTo("stack backend: containers (stack.backend=containers)");
            LocalStack attached = LocalStack.attach(killed.endpoints);
            assertThat(attached.backend()).isEqualTo(StackBackend.CONTAINERS);
            serves(attached);
            assertThat(containersOf(podman, attached.runDir())).hasSize(5);

            killed.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            assertThat(containersOf(podman, attached.runDir()))
                    .as("a SIGKILLed stack stops nothing")
                    .hasSize(5);

            Stack next = Stack.start(podman, base, "next");
            try {
                Path nextRunDir = LocalStack.attach(next.endpoints).runDir();
                assertThat(containersOf(podman, attached.runDir()))
                        .as("the killed run's containers, after the next start")
                        .isEmpty();
                assertThat(containersOf(podman, nextRunDir)).hasSize(5);

                next.process.destroy();
                assertThat(next.process.waitFor(90, TimeUnit.SECONDS)).isTrue();
                assertThat(containersOf(podman, nextRunDir))
                        .as("a SIGTERMed stack's containers")
                        .isEmpty();
            } finally {
                next.process.destroyForcibly();
            }
        } finally {
            killed.process.destroyForcibly();
        }
    }

    /** What the suite relies on, through the attached stack's clients. */
    private static void serves(LocalStack stack) throws Exception {
        Postgres postgres = stack.postgres();
        try (Connection connection = postgres.connect();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT current_setting('wal_level'), rolsuper, rolreplication FROM pg_roles"
                                + " WHERE rolname = current_user")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getString(1)).isEqualTo("logical");
            assertThat(rows.getBoolean(2)).isTrue();
            assertThat(rows.getBoolean(3)).isTrue();
        }
        String url = postgres.createDatabase(Names.unique("db"));
        try (Connection connection = DriverManager.getConnection(url)) {
            assertThat(connection.isValid(5)).isTrue();
        }
        String user = Names.unique("user").replace('-', '_');
        postgres.createPasswordUser(user, "secret");
        String base = "jdbc:postgresql://127.0.0.1:" + postgres.port() + "/temporal?user=" + user;
        try (Connection connection = DriverManager.getConnection(base + "&password=secret")) {
            assertThat(connection.isValid(5)).isTrue();
        }
        assertThat(canConnect(base + "&password=wrong"))
                .as("scram-sha-256 for other roles")
                .isFalse();

        String topic = Names.unique("topic");
        stack.kafka().createTopic(topic, 3);
        try (Admin admin = Admin.create(
                Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()))) {
            assertThat(admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get(30, TimeUnit.SECONDS)
                            .get(topic)
                            .partitions())
                    .hasSize(3);
        }

        HttpClient http = HttpClient.newHttpClient();
        assertThat(get(http, stack.elasticsearch().url() + "/_cluster/health")).contains("\"status\"");
        assertThat(get(http, stack.schemaRegistry().url() + "/config")).contains("BACKWARD");
        assertThat(LocalStackIT.ping(stack.redis().port())).isEqualTo("+PONG\r\n");
        for (Path log : List.of(
                stack.postgres().logFile(),
                stack.kafka().logFile(),
                stack.elasticsearch().logFile(),
                stack.redis().logFile(),
                stack.schemaRegistry().logFile())) {
            assertThat(log).startsWith(stack.runDir()).isNotEmptyFile();
        }
    }

    private static boolean canConnect(String url) {
        try (Connection connection = DriverManager.getConnection(url)) {
            return connection.isValid(5);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }

    /** A {@link StackMain} JVM on the containers backend, as bin/test starts it. */
    private record Stack(Process process, Path endpoints, Path log) {
        static Stack start(Podman podman, Path base, String name) throws IOException {
            Files.createDirectories(base);
            Path endpoints = base.resolve(name + ".properties");
            Path log = base.resolve(name + ".log");
            Files.deleteIfExists(endpoints);
            ProcessBuilder builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-Xmx256m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            StackMain.class.getName(),
                            endpoints.toString(),
                            base.toString())
                    .redirectOutput(base.resolve(name + ".out").toFile())
                    .redirectError(log.toFile());
            Map<String, String> env = builder.environment();
            env.putAll(podman.env());
            env.put("TESTCONTAINERS_RYUK_DISABLED", "true");
            env.put(StackBackend.ENV, "containers");
            env.put(ContainerImages.ENV, "local");
            env.remove(LocalStack.ATTACH_ENV);
            Process process = builder.start();
            Stack stack = new Stack(process, endpoints, log);
            await().atMost(Duration.ofMinutes(4))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> Files.exists(endpoints) || !process.isAlive());
            assertThat(Files.exists(endpoints))
                    .as("stack %s ready; its output: %s", name, Files.readString(log))
                    .isTrue();
            return stack;
        }

        String firstLine() throws IOException {
            return Files.readAllLines(log).get(0);
        }
    }

    private static List<String> containersOf(Podman podman, Path runDir) {
        return podman.podman(
                        Duration.ofSeconds(30),
                        "ps",
                        "-a",
                        "--filter",
                        "label=" + ContainerEngine.RUN_DIR_LABEL + "=" + runDir,
                        "--format",
                        "{{.Names}}")
                .lines()
                .filter(l -> !l.isBlank())
                .toList();
    }

    private static Set<String> images(Podman podman) {
        return Set.copyOf(podman.podman(Duration.ofSeconds(30), "images", "--format", "{{.Repository}}")
                .lines()
                .filter(l -> !l.isBlank())
                .toList());
    }

    private static void buildServerImages(Podman podman) throws Exception {
        Path log = WORK.resolve("build-images.log");
        ProcessBuilder builder = new ProcessBuilder(
                        ROOT.resolve("compose/local/build-images.sh").toString(), "--servers")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = new HashMap<>(podman.env());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().putAll(env);
        Process build = builder.start();
        assertThat(build.waitFor(20, TimeUnit.MINUTES))
                .as("build-images within 20 min")
                .isTrue();
        assertThat(build.exitValue())
                .as("compose/local/build-images.sh --servers: %s", Files.readString(log))
                .isZero();
    }

    /** Removes the images this test built (the Debian base too, when it built it), leaving older ones. */
    private static void removeImagesBuiltHere(Podman podman, Set<String> before) {
        List<String> built = new ArrayList<>(images(podman));
        built.removeAll(before);
        built.removeIf(image -> !image.startsWith("localhost/"));
        if (!built.isEmpty()) {
            List<String> args = new ArrayList<>(List.of("rmi", "-f"));
            args.addAll(built);
            podman.podman(Duration.ofMinutes(2), args.toArray(String[]::new));
        }
    }
}
