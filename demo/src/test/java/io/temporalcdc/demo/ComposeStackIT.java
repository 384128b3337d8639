package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.temporalcdc.testsupport.Podman;
import io.temporalcdc.testsupport.Ports;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code compose/compose.yml} + {@code compose/compose.local.yml} started for real under podman: the images built
 * here ({@code compose/local/build-images.sh}: a debootstrapped Debian base, no registry), {@code docker-compose up
 * -d} through podman's Docker-compatible socket, every health check passing (driven by this test: podman runs them
 * from systemd timers, and there is no systemd here), visibility rows written into the containerised PostgreSQL
 * found in the containerised Elasticsearch, a Redis key invalidated, the metrics served and every app scraped by
 * Prometheus; then {@code down -v} leaves no container, volume or network, and the images this test built are
 * removed. The time of each phase is printed and written to {@code target/compose-stack/timings.txt}.
 */
class ComposeStackIT {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path WORK = Path.of("target", "compose-stack").toAbsolutePath();
    private static final String IMAGES = "localhost/temporal-cdc-local/";
    private static final String BASE_IMAGE = "localhost/debian-base:12";
    private static final List<String> HOST_PORTS = List.of(
            "POSTGRES_PORT",
            "KAFKA_PORT",
            "SCHEMA_REGISTRY_PORT",
            "ELASTICSEARCH_PORT",
            "REDIS_PORT",
            "PROMETHEUS_PORT",
            "CDC_SOURCE_PORT",
            "VISIBILITY_INDEXER_PORT",
            "CACHE_INVALIDATOR_PORT",
            "METRICS_AGGREGATOR_PORT",
            "CONNECT_PORT");
    private static final List<String> APPS =
            List.of("cdc-source", "visibility-indexer", "cache-invalidator", "metrics-aggregator");
    private static final int ROWS = 200;
    private static final int CONNECT_ROWS = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, Long> timings = new LinkedHashMap<>();
    private final String project = "tcdc-it-" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> ports = new LinkedHashMap<>();
    /** Whether docker-compose runs with {@code --profile connect}. */
    private boolean connectProfile;

    @Test
    void shouldRunTheWholeStackFromImagesBuiltHereAndLeaveNothingBehind() throws Exception {
        Optional<String> missing = Podman.missing();
        assumeTrue(missing.isEmpty(), () -> "the compose stack test needs podman: " + missing.orElseThrow());
        Files.createDirectories(WORK);
        for (String log : List.of("build-images.log", "up.log", "down.log", "config.log")) {
            Files.deleteIfExists(WORK.resolve(log));
        }
        List<String> leftovers;
        try (Podman podman = Podman.start(WORK.resolve("podman"))) {
            Set<String> imagesBefore = images(podman);
            try {
                time("build the images (compose/local/build-images.sh)", () -> buildImages(podman));
                for (String port : HOST_PORTS) {
                    ports.put(port, Integer.toString(freePort()));
                }
                time("up -d until every health check passes", () -> up(podman));
                time("rows indexed, a key invalidated, metrics served, apps scraped", this::exercise);
                time("profile connect: cdc-source stopped, Debezium in Kafka Connect indexing", () -> connect(podman));
            } finally {
                connectProfile = true;
                time("down -v", () -> compose(podman, Duration.ofMinutes(3), "down", "-t", "5", "-v"));
                leftovers = leftovers(podman);
                time("remove the images this test built", () -> removeImages(podman, imagesBefore));
            }
        } finally {
            report();
        }
        assertThat(leftovers)
                .as("containers, volumes and networks after down -v")
                .isEmpty();
    }

    private void buildImages(Podman podman) throws Exception {
        Map<String, String> env = new LinkedHashMap<>(podman.env());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        run(
                List.of(ROOT.resolve("compose/local/build-images.sh").toString(), "--project-name", project),
                env,
                WORK.resolve("build-images.log"),
                Duration.ofMinutes(20));
    }

    /**
     * {@code up -d}, meanwhile running every container's health check (so that {@code depends_on: service_healthy}
     * sees them pass), then until every service is healthy, or up without a health check, and the one-shot schema
     * service exited 0.
     */
    private void up(Podman podman) throws Exception {
        // once up -d exited 0, every service it starts has its container
        up(podman, states -> states.stream().allMatch(ComposeStackIT::ready), "up", "-d");
    }

    /**
     * Runs {@code docker-compose ARGS} (an {@code up}), meanwhile running the starting containers' health checks,
     * until it exited 0 and {@code done} holds for the project's containers' states.
     */
    private void up(Podman podman, java.util.function.Predicate<List<String>> done, String... args) throws Exception {
        Path log = WORK.resolve("up.log");
        Process up = composeProcess(podman, log, args);
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        List<String> waitingFor = List.of("docker-compose up -d");
        while (System.nanoTime() < deadline) {
            List<String> states = states(podman);
            runHealthChecks(podman);
            if (up.isAlive()) {
                waitingFor = List.of("docker-compose up -d");
            } else {
                assertThat(up.exitValue())
                        .as("docker-compose %s: %s", String.join(" ", args), Files.readString(log))
                        .isZero();
                waitingFor = states.stream().filter(s -> !ready(s)).toList();
                if (done.test(states)) {
                    return;
                }
            }
            Thread.sleep(3000);
        }
        up.destroyForcibly();
        throw new AssertionError("docker-compose " + String.join(" ", args) + " was not done within 8 minutes;"
                + " waiting for " + waitingFor + "; see " + log + " and docker-compose logs");
    }

    /** @return one line per container of the project: "name|status" as podman ps prints them */
    private List<String> states(Podman podman) {
        String out = podman.podman(
                Duration.ofSeconds(30),
                "ps",
                "-a",
                "--filter",
                "label=com.docker.compose.project=" + project,
                "--format",
                "{{.Names}}|{{.Status}}");
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static boolean ready(String state) {
        String status = state.substring(state.indexOf('|') + 1);
        if (state.contains("_schema_")
                || state.contains("_connect-publication_")
                || state.contains("_connect-register_")) {
            return status.startsWith("Exited (0)");
        }
        if (state.contains("_prometheus_")) {
            return status.startsWith("Up");
        }
        return status.startsWith("Up") && status.endsWith("(healthy)");
    }

    private void runHealthChecks(Podman podman) {
        String ids = podman.podman(
                Duration.ofSeconds(30),
                "ps",
                "-q",
                "--filter",
                "label=com.docker.compose.project=" + project,
                "--filter",
                "health=starting");
        String unhealthy = podman.podman(
                Duration.ofSeconds(30),
                "ps",
                "-q",
                "--filter",
                "label=com.docker.compose.project=" + project,
                "--filter",
                "health=unhealthy");
        for (String id : (ids + unhealthy).lines().filter(l -> !l.isBlank()).toList()) {
            try {
                podman.podman(Duration.ofSeconds(30), "healthcheck", "run", id);
            } catch (RuntimeException notYet) {
                // unhealthy for now (exit 1) or gone: the next round tries again
            }
        }
    }

    private void exercise() throws Exception {
        String namespace = "ns-" + project;
        String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.get("POSTGRES_PORT") + "/temporal";
        try (Connection db = DriverManager.getConnection(jdbc, "postgres", "temporal")) {
            try (PreparedStatement insert = db.prepareStatement(
                    "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                            + " workflow_id, workflow_type_name, status, task_queue)"
                            + " SELECT ?, 'run-' || g, now(), now(), 'wf-' || g, 'ComposeType', 1, 'compose-queue'"
                            + " FROM generate_series(1, ?) g")) {
                insert.setString(1, namespace);
                insert.setInt(2, ROWS);
                assertThat(insert.executeUpdate()).isEqualTo(ROWS);
            }

            // the visibility-indexer: every row in the containerised Elasticsearch
            String count = "{\"query\":{\"term\":{\"NamespaceId\":\"" + namespace + "\"}}}";
            Awaitility.await("the rows indexed in Elasticsearch")
                    .atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofSeconds(2))
                    .until(() -> json("POST", "ELASTICSEARCH_PORT", "/temporal_visibility_v1/_count", count)
                                    .path("count")
                                    .asLong()
                            == ROWS);

            // the cache-invalidator: a cached entry removed when its workflow's row changes (after the inserts'
            // own invalidations, seen as their fences, so that only the update can remove it)
            RedisClient redis = RedisClient.create("redis://127.0.0.1:" + ports.get("REDIS_PORT"));
            try (StatefulRedisConnection<String, String> connection = redis.connect()) {
                var commands = connection.sync();
                Awaitility.await("the inserts' invalidations (fences)")
                        .atMost(Duration.ofMinutes(3))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> commands.keys("{wf_meta:" + namespace + ":wf-*}:fence")
                                        .size()
                                == ROWS);
                String key = "wf_meta:" + namespace + ":wf-7";
                commands.set(key, "{\"status\":1}", SetArgs.Builder.ex(600));
                try (Statement update = db.createStatement()) {
                    assertThat(update.executeUpdate("UPDATE temporal_visibility.executions SET status = 2,"
                                    + " close_time = now() + interval '5 seconds' WHERE namespace_id = '" + namespace
                                    + "' AND run_id = 'run-7'"))
                            .isOne();
                }
                Awaitility.await("the cached entry invalidated")
                        .atMost(Duration.ofMinutes(2))
                        .pollInterval(Duration.ofMillis(500))
                        .until(() -> commands.exists(key) == 0);
            } finally {
                redis.shutdown();
            }
        }

        // the metrics-aggregator: the namespace's day, the closed run counted
        Awaitility.await("the workflow metrics served")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    JsonNode days = json("GET", "METRICS_AGGREGATOR_PORT", "/workflow-metrics?namespace=" + namespace);
                    return days.size() == 1
                            && days.get(0).path("total").asLong() == ROWS
                            && days.get(0).path("completed").asLong() == 1;
                });

        // Prometheus scraping every app
        Awaitility.await("Prometheus scraping the four apps")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    Set<String> up = new HashSet<>();
                    for (JsonNode target : json("GET", "PROMETHEUS_PORT", "/api/v1/targets")
                            .path("data")
                            .path("activeTargets")) {
                        if ("up".equals(target.path("health").asText())) {
                            up.add(target.path("labels").path("job").asText());
                        }
                    }
                    return up.containsAll(APPS);
                });
        for (String app : APPS) {
            String port = app.toUpperCase().replace('-', '_') + "_PORT";
            assertThat(json("GET", port, "/health/ready").path("status").asText())
                    .as("%s /health/ready", app)
                    .isEqualTo("UP");
        }
    }

    /**
     * The "connect" profile: cdc-source stopped (never two on the slot), a Kafka Connect worker with Debezium's
     * connector registered in its place, new rows indexed through it.
     */
    private void connect(Podman podman) throws Exception {
        compose(podman, Duration.ofMinutes(2), "stop", "cdc-source");
        connectProfile = true;
        up(
                podman,
                states -> states.stream().anyMatch(s -> s.contains("_connect-register_") && s.contains("|Exited (0)")),
                "up",
                "-d",
                "kafka-connect",
                "connect-publication",
                "connect-register");

        String namespace = "ns-" + project;
        String jdbc = "jdbc:postgresql://127.0.0.1:" + ports.get("POSTGRES_PORT") + "/temporal";
        try (Connection db = DriverManager.getConnection(jdbc, "postgres", "temporal");
                PreparedStatement insert = db.prepareStatement(
                        "INSERT INTO temporal_visibility.executions (namespace_id, run_id, start_time, execution_time,"
                                + " workflow_id, workflow_type_name, status, task_queue)"
                                + " SELECT ?, 'connect-run-' || g, now(), now(), 'connect-wf-' || g, 'ComposeType', 1,"
                                + " 'compose-queue' FROM generate_series(1, ?) g")) {
            insert.setString(1, namespace);
            insert.setInt(2, CONNECT_ROWS);
            assertThat(insert.executeUpdate()).isEqualTo(CONNECT_ROWS);
        }
        String count = "{\"query\":{\"prefix\":{\"RunId\":\"connect-run-\"}}}";
        Awaitility.await("the rows captured by Kafka Connect indexed in Elasticsearch")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofSeconds(2))
                .until(() -> json("POST", "ELASTICSEARCH_PORT", "/temporal_visibility_v1/_count", count)
                                .path("count")
                                .asLong()
                        == CONNECT_ROWS);
        JsonNode running = json("GET", "CONNECT_PORT", "/connectors/temporal-postgres/status");
        assertThat(running.path("connector").path("state").asText())
                .as(running.toString())
                .isEqualTo("RUNNING");
        assertThat(running.path("tasks").get(0).path("state").asText())
                .as(running.toString())
                .isEqualTo("RUNNING");
    }

    private JsonNode json(String method, String portVariable, String path) throws Exception {
        return json(method, portVariable, path, null);
    }

    private JsonNode json(String method, String portVariable, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + ports.get(portVariable) + path))
                .timeout(Duration.ofSeconds(10));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(response.body());
        } catch (IOException notYet) {
            return JSON.createObjectNode();
        }
    }

    private List<String> leftovers(Podman podman) {
        String label = "label=com.docker.compose.project=" + project;
        List<String> left = new ArrayList<>();
        podman.podman(Duration.ofSeconds(30), "ps", "-a", "-q", "--filter", label)
                .lines()
                .filter(l -> !l.isBlank())
                .forEach(id -> left.add("container " + id));
        podman.podman(Duration.ofSeconds(30), "volume", "ls", "-q", "--filter", label)
                .lines()
                .filter(l -> !l.isBlank())
                .forEach(v -> left.add("volume " + v));
        podman.podman(Duration.ofSeconds(30), "network", "ls", "-q", "--filter", label)
                .lines()
                .filter(l -> !l.isBlank())
                .forEach(n -> left.add("network " + n));
        return left;
    }

    private static Set<String> images(Podman podman) {
        return podman.podman(Duration.ofSeconds(30), "images", "--format", "{{.Repository}}:{{.Tag}}")
                .lines()
                .filter(l -> l.startsWith(IMAGES) || l.equals(BASE_IMAGE))
                .collect(Collectors.toSet());
    }

    /** Removes the images that were not there before this test, and the binaries build-images.sh staged. */
    private static void removeImages(Podman podman, Set<String> before) throws IOException {
        List<String> built =
                images(podman).stream().filter(i -> !before.contains(i)).toList();
        if (!built.isEmpty()) {
            List<String> rmi = new ArrayList<>(List.of("rmi", "-f"));
            rmi.addAll(built);
            podman.podman(Duration.ofMinutes(2), rmi.toArray(String[]::new));
        }
        podman.podman(Duration.ofMinutes(2), "image", "prune", "-f");
        try (var dirs = Files.list(ROOT.resolve("compose/local"))) {
            for (Path dist :
                    dirs.map(d -> d.resolve("dist")).filter(Files::isDirectory).toList()) {
                deleteTree(dist);
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private Process composeProcess(Podman podman, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "docker-compose",
                "-p",
                project,
                "-f",
                ROOT.resolve("compose/compose.yml").toString(),
                "-f",
                ROOT.resolve("compose/compose.local.yml").toString()));
        if (connectProfile) {
            command.addAll(List.of("--profile", "connect"));
        }
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(podman.env());
        builder.environment().putAll(ports);
        return builder.start();
    }

    private void compose(Podman podman, Duration timeout, String... args) throws Exception {
        Path log = WORK.resolve(args[0] + ".log");
        Files.deleteIfExists(log);
        Process process = composeProcess(podman, log, args);
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS))
                .as("docker-compose %s within %s", args[0], timeout)
                .isTrue();
        assertThat(process.exitValue())
                .as("docker-compose %s: %s", args[0], Files.readString(log))
                .isZero();
    }

    private static void run(List<String> command, Map<String, String> env, Path log, Duration timeout)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish within " + timeout + "; see " + log);
        }
        assertThat(process.exitValue())
                .as("%s: %s", command.get(0), Files.readString(log))
                .isZero();
    }

    private static int freePort() {
        return Ports.free();
    }

    @FunctionalInterface
    private interface Phase {
        void run() throws Exception;
    }

    private void time(String phase, Phase work) throws Exception {
        long start = System.nanoTime();
        try {
            work.run();
        } finally {
            timings.put(phase, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start));
        }
    }

    private void report() throws IOException {
        StringBuilder text = new StringBuilder("compose stack under podman (project " + project + "):\n");
        long total = 0;
        for (Map.Entry<String, Long> phase : timings.entrySet()) {
            text.append(String.format("  %-72s %4d s%n", phase.getKey(), phase.getValue()));
            total += phase.getValue();
        }
        text.append(String.format("  %-72s %4d s%n", "total", total));
        System.out.print(text);
        Files.writeString(WORK.resolve("timings.txt"), text);
    }
}
