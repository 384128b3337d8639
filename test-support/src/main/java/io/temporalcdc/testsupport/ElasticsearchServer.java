package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Elasticsearch 9 (integration-test distribution, unpacked at build time), daemonized with its
 * config copied into the run dir. As root it runs as {@code nobody} through setpriv.
 */
final class ElasticsearchServer implements Elasticsearch, Server {

    private static final String OS_USER = "nobody";
    private static final Duration LAUNCH_WAIT = Duration.ofSeconds(90);
    private static final String CLUSTER = "tcdc-local";
    private static final String HEAP = "-Xms512m -Xmx512m";

    private final Path dir;
    private final Path home;
    private final Path pidFile;
    private final Path logFile;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Long pid;
    /** `elasticsearch -d` returns only once the node runs: close() waits for it, or the node would be orphaned. */
    private final Launch launch = new Launch();

    ElasticsearchServer(Path runDir) {
        this(runDir, Ports.free());
    }

    /** A server on a known port: one to start, or one another process started (then never started here). */
    ElasticsearchServer(Path runDir, int port) {
        this.dir = runDir.resolve("elasticsearch");
        this.home = BuildInfo.elasticsearchHome();
        this.pidFile = dir.resolve("es.pid");
        this.logFile = logFileIn(runDir);
        this.port = port;
    }

    /** The node's main log file in a stack's run dir (the containers backend writes its container's output there). */
    static Path logFileIn(Path runDir) {
        return runDir.resolve("elasticsearch").resolve("logs").resolve(CLUSTER + ".log");
    }

    @Override
    public String name() {
        return "Elasticsearch";
    }

    @Override
    public String endpoint() {
        return url();
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        if (!Files.isExecutable(home.resolve("bin/elasticsearch"))) {
            throw new StackException(
                    "no Elasticsearch distribution at " + home + ": build test-support (mvn install -pl test-support)");
        }
        Path launchLog = runDir.resolve("elasticsearch-launch.log");
        try {
            prepareDirs();
            // a restart (same run dir, port and data) starts a new launch log
            Files.deleteIfExists(launchLog);
            Files.createFile(launchLog);
        } catch (IOException e) {
            throw new StackException("Elasticsearch run dir " + dir + " cannot be prepared: " + e, e);
        }
        OsUser.chown(OS_USER, dir, launchLog);
        launch.begin();
        try {
            Procs.run("Elasticsearch (see " + logFile + ")", launchCommand(), Map.of(), launchLog, timeout);
            pid = readPid();
        } finally {
            launch.done();
        }
        new PidRecord(pid, signature()).write(runDir, "elasticsearch");
        Readiness.await(this, timeout, this::healthy);
    }

    @Override
    public void close() {
        launch.awaitIfStarted(LAUNCH_WAIT);
        Long running = pid != null ? pid : PidFiles.read(pidFile);
        if (running != null) {
            pid = null;
            if (new PidRecord(running, signature()).matches(Procs.commandLine(running))) {
                Procs.stop(name(), running, Duration.ofSeconds(30));
            }
        }
    }

    /** The server JVM's command line has {@code -Djava.io.tmpdir=<ES_TMPDIR>}, unique to this run dir. */
    private String signature() {
        return "-Djava.io.tmpdir=" + dir.resolve("tmp");
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    private boolean healthy() {
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=2s"))
                .timeout(Duration.ofSeconds(5))
                .GET()
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200
                    && response.body().matches("(?s).*\"status\"\\s*:\\s*\"(green|yellow)\".*");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for Elasticsearch", e);
        }
    }

    private void prepareDirs() throws IOException {
        Path config = dir.resolve("config");
        copyTree(home.resolve("config"), config);
        for (String sub : List.of("data", "logs", "tmp")) {
            Files.createDirectories(dir.resolve(sub));
        }
        Files.writeString(config.resolve("elasticsearch.yml"), yaml());
    }

    private String yaml() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("cluster.name", CLUSTER);
        settings.put("node.name", "tcdc-node");
        settings.put("network.host", "127.0.0.1");
        settings.put("http.port", Integer.toString(port));
        settings.put("transport.port", "0");
        settings.put("path.data", dir.resolve("data").toString());
        settings.put("path.logs", dir.resolve("logs").toString());
        settings.put("discovery.type", "single-node");
        settings.put("xpack.security.enabled", "false");
        settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
        settings.put("action.destructive_requires_name", "false");
        settings.put("node.processors", "1");
        StringBuilder yaml = new StringBuilder("# written by temporal-cdc test-support\n");
        settings.forEach((k, v) -> yaml.append(k).append(": \"").append(v).append("\"\n"));
        return yaml.toString();
    }

    private List<String> launchCommand() {
        List<String> env = List.of(
                "PATH=/usr/bin:/bin",
                "HOME=" + dir,
                "ES_JAVA_HOME=" + Jdks.home(),
                "ES_PATH_CONF=" + dir.resolve("config"),
                "ES_TMPDIR=" + dir.resolve("tmp"),
                "ES_JAVA_OPTS=" + HEAP);
        List<String> command = new ArrayList<>();
        if (Procs.isRoot()) {
            command.addAll(List.of(
                    OsUser.tool("setpriv"),
                    "--reuid=" + OS_USER,
                    "--regid=" + OsUser.groupOf(OS_USER),
                    "--clear-groups"));
        }
        command.add(OsUser.tool("env"));
        command.add("-i");
        command.addAll(env);
        command.addAll(List.of(home.resolve("bin/elasticsearch").toString(), "-d", "-p", pidFile.toString()));
        return command;
    }

    private long readPid() {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return Long.parseLong(Files.readString(pidFile).trim());
            } catch (IOException | NumberFormatException e) {
                Procs.pause(100);
            }
        }
        throw new StackException("Elasticsearch wrote no pid file " + pidFile + "; see " + logFile);
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> tree = Files.walk(from)) {
            tree.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
