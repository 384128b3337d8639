package io.temporalcdc.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Connect worker in distributed mode ({@code org.apache.kafka.connect.cli.ConnectDistributed}, the
 * {@code connect-runtime} of the project's Kafka version) in its own JVM, on a free loopback port, with its own
 * group and internal topics on the given Kafka, and the given plugin path (cdc-source builds one: Debezium's PostgreSQL
 * connector and temporal-cdc's Avro converter, {@code cdc-source/target/connect-plugin}). Closing stops it.
 */
public final class ConnectWorker implements AutoCloseable, Server {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectWorker.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final Path dir;
    private final Path logFile;
    private final int port;
    private final String bootstrapServers;
    private final Path pluginPath;
    private final String group;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;

    private ConnectWorker(Path runDir, String bootstrapServers, Path pluginPath, String group) {
        this.dir = runDir.resolve("connect");
        this.logFile = dir.resolve("connect.log");
        this.port = Ports.free();
        this.bootstrapServers = bootstrapServers;
        this.pluginPath = pluginPath;
        this.group = group;
    }

    /**
     * Starts a worker in a new run dir under {@code base} and waits until its REST API lists Debezium's PostgreSQL
     * connector among its plugins.
     */
    public static ConnectWorker start(String bootstrapServers, Path pluginPath, Path base) {
        if (!Files.isDirectory(pluginPath)) {
            throw new StackException("no Kafka Connect plugin path at " + pluginPath.toAbsolutePath()
                    + ": build it with ./mvnw package -pl cdc-source");
        }
        Path runDir = OwnServers.newRunDir(base);
        ConnectWorker worker = new ConnectWorker(runDir, bootstrapServers, pluginPath, Names.unique("connect"));
        try {
            worker.start(runDir, TIMEOUT);
            return worker;
        } catch (RuntimeException e) {
            worker.close();
            throw e;
        }
    }

    /** The plugin path cdc-source's build writes: {@code cdc-source/target/connect-plugin}. */
    public static Path cdcSourcePluginPath() {
        return BuildInfo.repoRoot().resolve("cdc-source").resolve("target").resolve("connect-plugin");
    }

    @Override
    public String name() {
        return "Kafka Connect";
    }

    @Override
    public String endpoint() {
        return url();
    }

    /** The REST API: {@code http://127.0.0.1:P}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The worker's offsets topic (where source connectors keep their offsets). */
    public String offsetsTopic() {
        return group + "-offsets";
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        try {
            Path properties = dir.resolve("worker.properties");
            List<String> command = BrokerJvm.command(
                    dir,
                    logFile,
                    BrokerJvm.SMALL,
                    "org.apache.kafka.connect.cli.ConnectDistributed",
                    properties.toString());
            Files.writeString(properties, workerProperties());
            process = BrokerJvm.start(command, dir);
        } catch (IOException e) {
            throw new StackException("Kafka Connect could not be started in " + dir + ": " + e, e);
        }
        new PidRecord(process.pid(), dir.resolve("worker.properties").toString()).write(runDir, "connect");
        Readiness.await(this, timeout, this::answers);
        LOG.info("Kafka Connect worker up at {} (group {}, plugins {})", url(), group, pluginPath);
    }

    private boolean answers() {
        Readiness.requireAlive(this, process);
        try {
            HttpResponse<String> response = send("GET", "/connector-plugins", null);
            return response.statusCode() == 200 && response.body().contains("PostgresConnector");
        } catch (IOException e) {
            return false;
        }
    }

    /** A REST call; the caller reads status and body. */
    public HttpResponse<String> send(String method, String path, String jsonBody) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json");
        if (jsonBody == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(jsonBody));
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private String workerProperties() {
        return String.join(
                "\n",
                "# written by temporal-cdc test-support: one distributed-mode worker",
                "bootstrap.servers=" + bootstrapServers,
                "group.id=" + group,
                "config.storage.topic=" + group + "-configs",
                "offset.storage.topic=" + offsetsTopic(),
                "status.storage.topic=" + group + "-status",
                "config.storage.replication.factor=-1",
                "offset.storage.replication.factor=-1",
                "status.storage.replication.factor=-1",
                "offset.storage.partitions=1",
                "status.storage.partitions=1",
                "offset.flush.interval.ms=1000",
                "key.converter=org.apache.kafka.connect.json.JsonConverter",
                "value.converter=org.apache.kafka.connect.json.JsonConverter",
                "listeners=http://127.0.0.1:" + port,
                "rest.advertised.host.name=127.0.0.1",
                "rest.advertised.port=" + port,
                "plugin.path=" + pluginPath.toAbsolutePath(),
                "topic.creation.enable=true",
                "config.providers=file",
                "config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider",
                "");
    }

    @Override
    public void close() {
        Process running = process;
        if (running != null) {
            process = null;
            Procs.stop(name(), running.pid(), Duration.ofSeconds(30));
        }
    }
}
