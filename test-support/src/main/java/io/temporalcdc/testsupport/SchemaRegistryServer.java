package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Apicurio Registry 2.4.2 (the {@code schema-registry} module's Quarkus fast-jar) in its own JVM, its global
 * compatibility level set to BACKWARD as Confluent's registry has it by default. The fast-jar is
 * hard-linked into the run dir first, so a rebuild of the module while the stack runs cannot pull files from under it.
 */
final class SchemaRegistryServer implements SchemaRegistry, Server {

    /** Confluent Schema Registry's REST API in Apicurio 2.x. */
    static final String CCOMPAT_PATH = "/apis/ccompat/v7";

    private static final List<String> JVM_ARGS =
            List.of("-Xms32m", "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private final Path dir;
    private final Path logFile;
    private final int port;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private volatile Process process;

    SchemaRegistryServer(Path runDir) {
        this(runDir, Ports.free());
    }

    /** A registry on a known port: one to start, or one another process started. */
    SchemaRegistryServer(Path runDir, int port) {
        this.dir = runDir.resolve("schema-registry");
        this.logFile = dir.resolve("registry.log");
        this.port = port;
    }

    int port() {
        return port;
    }

    @Override
    public String name() {
        return "Schema registry";
    }

    @Override
    public String endpoint() {
        return url();
    }

    @Override
    public String url() {
        return "http://127.0.0.1:" + port + CCOMPAT_PATH;
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        Path app = linkApp();
        List<String> command = new ArrayList<>();
        command.add(Jdks.java().toString());
        command.addAll(JVM_ARGS);
        command.add("-Dquarkus.http.host=127.0.0.1");
        command.add("-Dquarkus.http.port=" + port);
        command.add("-jar");
        command.add(app.resolve("quarkus-run.jar").toString());
        try {
            process = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException e) {
            throw new StackException("the schema registry could not be started in " + dir + ": " + e, e);
        }
        new PidRecord(process.pid(), app.toString()).write(runDir, "schema-registry");
        Readiness.await(this, timeout, this::answers);
        requireBackwardCompatibility();
    }

    /**
     * Sets the registry-wide compatibility level to BACKWARD, Confluent Schema Registry's default (Apicurio checks
     * nothing unless told), so the stack refuses what a production registry refuses.
     */
    void requireBackwardCompatibility() {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/config"))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"compatibility\":\"BACKWARD\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new StackException("the schema registry refused compatibility BACKWARD: HTTP "
                        + response.statusCode() + " " + response.body());
            }
        } catch (IOException e) {
            throw new StackException("the schema registry did not take compatibility BACKWARD: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while configuring the schema registry", e);
        }
    }

    private boolean answers() {
        Readiness.requireAlive(this, process);
        try {
            HttpResponse<Void> response = http.send(
                    HttpRequest.newBuilder(URI.create(url() + "/subjects"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the schema registry", e);
        }
    }

    /** The built fast-jar, hard-linked (or copied) under the run dir. */
    private Path linkApp() {
        Path built = BuildInfo.schemaRegistryApp();
        if (!Files.isRegularFile(built.resolve("quarkus-run.jar"))) {
            throw new StackException("the schema registry is not built: " + built.resolve("quarkus-run.jar")
                    + " is missing; build it with ./mvnw package -pl schema-registry");
        }
        Path target = dir.resolve("quarkus-app");
        try {
            Files.createDirectories(dir);
            try (Stream<Path> files = Files.walk(built)) {
                for (Path source : (Iterable<Path>) files::iterator) {
                    Path copy = target.resolve(built.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(copy);
                    } else {
                        linkOrCopy(source, copy);
                    }
                }
            }
        } catch (IOException e) {
            throw new StackException("cannot place the schema registry under " + dir + ": " + e, e);
        }
        return target;
    }

    private static void linkOrCopy(Path source, Path copy) throws IOException {
        try {
            Files.createLink(copy, source);
        } catch (FileAlreadyExistsException e) {
            // a restart on the same run dir: the files are there
        } catch (UnsupportedOperationException | IOException e) {
            try {
                Files.copy(source, copy);
            } catch (FileAlreadyExistsException exists) {
                // idem
            } catch (IOException copyFailed) {
                throw new UncheckedIOException(copyFailed);
            }
        }
    }

    @Override
    public void close() {
        Process running = process;
        if (running != null) {
            process = null;
            Procs.stop(name(), running.pid(), Duration.ofSeconds(20));
        }
    }
}
