package io.temporalcdc.demo;

import io.temporalcdc.testsupport.JavaApp;
import io.temporalcdc.testsupport.Ports;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One deployable (cdc-source or visibility-indexer) run as its own process from its jar, with its
 * {@code /health} and {@code /metrics} on a port chosen here. It can be killed and started again with
 * the same settings, as an operator would after a crash.
 */
public final class Deployable implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Deployable.class);
    private static final String HEAP = "-Xmx384m";
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;
    private final List<String> settings;
    private final Path logDir;
    private final Path jar;
    private final int httpPort;
    private int starts;
    private volatile JavaApp process;

    public Deployable(String module, List<String> settings, Path logDir) {
        this(module, module, settings, logDir);
    }

    /**
     * A second instance of a module needs its own {@code name}: it names the log files and the jar's copy.
     *
     * @param settings the app's key=value arguments
     */
    public Deployable(String module, String name, List<String> settings, Path logDir) {
        this.name = name;
        this.settings = List.copyOf(settings);
        this.logDir = logDir;
        this.jar = snapshot(JavaApp.jarOf(module), logDir.resolve(name + ".jar"));
        // below Linux's ephemeral range: no outgoing connection takes it between the pick and the bind, or a restart
        this.httpPort = Ports.free();
    }

    /** Starts the process (a new log file per start) and waits until /health says UP. */
    public synchronized void start(Duration readyTimeout) {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        List<String> args = new ArrayList<>(settings);
        args.add("http.port=" + httpPort);
        Path log = logDir.resolve(name + "-" + (++starts) + ".log");
        LOG.info("Starting {} (log {})", name, log);
        process = JavaApp.start(name, jar, jvmOptions(), args, Map.of(), log);
        awaitHealthy(readyTimeout);
    }

    /** The heap limit, plus {@code TCDC_APP_JAVA_OPTS} when set (e.g. a flight recording while profiling). */
    private static List<String> jvmOptions() {
        List<String> options = new ArrayList<>(List.of(HEAP));
        String extra = System.getenv("TCDC_APP_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            options.addAll(List.of(extra.trim().split("\\s+")));
        }
        return options;
    }

    /** SIGKILL: no shutdown hook, no flush, no offset commit. */
    public synchronized void kill() {
        LOG.info("Killing {} (pid {}) with SIGKILL", name, process.pid());
        process.kill();
    }

    /** The process's name (the module's, unless given). */
    public String name() {
        return name;
    }

    /** The process, for its pid, liveness and output. */
    public JavaApp process() {
        return process;
    }

    /**
     * The Prometheus text of /metrics, or an empty string when it cannot be read; with {@code names}, only those metrics
     * ({@code ?name[]=}: the app encodes and sends only those).
     */
    public String metrics(String... names) {
        StringBuilder path = new StringBuilder("/metrics");
        for (int i = 0; i < names.length; i++) {
            path.append(i == 0 ? '?' : '&')
                    .append("name%5B%5D=")
                    .append(URLEncoder.encode(names[i], StandardCharsets.UTF_8));
        }
        try {
            HttpResponse<String> response = get(path.toString());
            return response.statusCode() == 200 ? response.body() : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    public int httpPort() {
        return httpPort;
    }

    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            int code = process.terminate(Duration.ofSeconds(20));
            LOG.info("{} stopped with exit code {}", name, code);
        }
    }

    private void awaitHealthy(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        name + " exited during start-up:\n" + String.join("\n", process.lastLines(30)));
            }
            if (isHealthy()) {
                LOG.info("{} is UP (pid {}, http port {})", name, process.pid(), httpPort);
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(250));
        }
        throw new IllegalStateException(name + " did not report UP on /health within " + timeout + ":\n"
                + String.join("\n", process.lastLines(30)));
    }

    private boolean isHealthy() {
        try {
            return get("/health").statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + name, e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A private copy of the built jar: a rebuild of the module while this process runs (or between a
     * kill and the restart) would otherwise change the classes under the running JVM.
     */
    private static Path snapshot(Path built, Path copy) {
        try {
            Files.createDirectories(copy.getParent());
            Path partial = copy.resolveSibling(copy.getFileName() + ".partial");
            Files.copy(built, partial, StandardCopyOption.REPLACE_EXISTING);
            return Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + built + " (build it with mvn package)", e);
        }
    }
}
