package io.temporalcdc.testsupport;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * The container engine of the containers backend, as Testcontainers finds it: {@code DOCKER_HOST} (podman: its
 * Docker-compatible socket, {@code podman system service}), else Docker's usual sockets. Every container the backend
 * starts carries {@link #OWNER_LABEL} ({@code <host>:<pid>} of the JVM that started it), so that the next start
 * removes what a killed run left behind ({@link #removeLeftovers()}), with or without Testcontainers' Ryuk reaper.
 */
final class ContainerEngine {
    /** Label naming the JVM that started a container: {@code <hostname>:<pid>:<its start, epoch ms>}. */
    static final String OWNER_LABEL = "io.temporalcdc.stack.owner";
    /** Label naming the run dir of the stack a container belongs to. */
    static final String RUN_DIR_LABEL = "io.temporalcdc.stack.run-dir";

    private static final Logger LOG = LoggerFactory.getLogger(ContainerEngine.class);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(3);

    private ContainerEngine() {}

    /**
     * @return where a container engine answers {@code GET /_ping} ({@code DOCKER_HOST}, else {@code
     *     /var/run/docker.sock}, Docker Desktop's and rootless Docker's sockets), or empty
     */
    static Optional<String> answering() {
        for (String candidate : candidates()) {
            if (pings(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static List<String> candidates() {
        String dockerHost = System.getenv("DOCKER_HOST");
        if (dockerHost != null && !dockerHost.isBlank()) {
            return List.of(dockerHost.strip());
        }
        List<String> sockets = new ArrayList<>();
        sockets.add("/var/run/docker.sock");
        String home = System.getProperty("user.home");
        sockets.add(home + "/.docker/run/docker.sock");
        sockets.add(home + "/.docker/desktop/docker.sock");
        String runtimeDir = System.getenv("XDG_RUNTIME_DIR");
        if (runtimeDir != null) {
            sockets.add(runtimeDir + "/docker.sock");
        }
        return sockets.stream()
                .filter(s -> Files.exists(Path.of(s)))
                .map(s -> "unix://" + s)
                .toList();
    }

    static boolean pings(String dockerHost) {
        try {
            if (dockerHost.startsWith("unix://")) {
                return pingUnix(Path.of(dockerHost.substring("unix://".length())));
            }
            if (dockerHost.startsWith("tcp://")) {
                HttpClient http =
                        HttpClient.newBuilder().connectTimeout(PING_TIMEOUT).build();
                HttpResponse<String> response = http.send(
                        HttpRequest.newBuilder(
                                        URI.create("http://" + dockerHost.substring("tcp://".length()) + "/_ping"))
                                .timeout(PING_TIMEOUT)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                return response.statusCode() == 200;
            }
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** {@code GET /_ping} on a unix socket; an engine that accepts but does not answer in time is closed on. */
    private static boolean pingUnix(Path socket) throws InterruptedException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
        CompletableFuture<Boolean> answer = CompletableFuture.supplyAsync(() -> ping(channel));
        try {
            return answer.get(PING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } finally {
            try {
                // unblocks a read still waiting
                channel.close();
            } catch (IOException e) {
                // closing a socket that did not answer
            }
        }
    }

    private static boolean ping(SocketChannel channel) {
        try {
            channel.write(
                    ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: engine\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buffer = ByteBuffer.allocate(512);
            while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                // HTTP/1.0: the engine closes after its answer
            }
            String answer = new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII);
            int eol = answer.indexOf('\n');
            return answer.startsWith("HTTP/1.")
                    && eol > 0
                    && answer.substring(0, eol).contains(" 200 ");
        } catch (IOException e) {
            return false;
        }
    }

    /** The labels of a container this JVM starts for the stack in {@code runDir}. */
    static Map<String, String> labels(Path runDir) {
        return Map.of(OWNER_LABEL, owner(), RUN_DIR_LABEL, runDir.toString());
    }

    /** {@code <host>:<pid>:<start of the JVM, epoch ms>}: a later process reusing the pid is not the owner. */
    private static String owner() {
        ProcessHandle self = ProcessHandle.current();
        return hostName() + ":" + self.pid() + ":" + startMillis(self);
    }

    private static long startMillis(ProcessHandle process) {
        return process.info()
                .startInstant()
                .map(java.time.Instant::toEpochMilli)
                .orElse(0L);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    /**
     * Removes (with their volumes) the stack's containers whose owning JVM, on this host, is gone: a run killed with
     * SIGKILL stops no container, the next run's start does.
     *
     * @return the names of the containers removed
     */
    static List<String> removeLeftovers() {
        DockerClient client = DockerClientFactory.instance().client();
        List<Container> labelled = client.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(List.of(OWNER_LABEL))
                .exec();
        String host = hostName() + ":";
        List<String> removed = new ArrayList<>();
        for (Container container : labelled) {
            String owner = container.getLabels().getOrDefault(OWNER_LABEL, "");
            if (!owner.startsWith(host) || ownerAlive(owner.substring(host.length()))) {
                continue;
            }
            String name = container.getNames() != null && container.getNames().length > 0
                    ? container.getNames()[0]
                    : container.getId();
            try {
                client.removeContainerCmd(container.getId())
                        .withForce(true)
                        .withRemoveVolumes(true)
                        .exec();
                removed.add(name);
                LOG.info(
                        "Removed container {} ({}) left by the stopped run {} ({})",
                        name,
                        container.getImage(),
                        owner,
                        container.getLabels().get(RUN_DIR_LABEL));
            } catch (RuntimeException e) {
                LOG.warn("Could not remove container {} left by the stopped run {}: {}", name, owner, e.toString());
            }
        }
        return removed;
    }

    /** The names of the containers (running or not) of the stack whose run dir is {@code runDir}. */
    static List<String> containersOf(Path runDir) {
        return DockerClientFactory.instance()
                .client()
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(RUN_DIR_LABEL, runDir.toString()))
                .exec()
                .stream()
                .map(c -> c.getNames() != null && c.getNames().length > 0 ? c.getNames()[0] : c.getId())
                .toList();
    }

    /** @param owner {@code <pid>:<start, epoch ms>} */
    private static boolean ownerAlive(String owner) {
        String[] parts = owner.split(":");
        try {
            long started = parts.length > 1 ? Long.parseLong(parts[1]) : 0L;
            return ProcessHandle.of(Long.parseLong(parts[0]))
                    .filter(ProcessHandle::isAlive)
                    // the same process: started when the label says (the clock's resolution aside)
                    .map(p -> started == 0L || Math.abs(startMillis(p) - started) < 1_000)
                    .orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * How this machine reaches a container's published ports: {@code 127.0.0.1} for a local engine (Testcontainers
     * says {@code localhost}, which may resolve to {@code ::1} first), else the engine's host.
     */
    static String host(GenericContainer<?> container) {
        String host = container.getHost();
        if ("localhost".equals(host) || "127.0.0.1".equals(host)) {
            return "127.0.0.1";
        }
        // an engine on a unix socket runs on this machine, which the published ports' 127.0.0.1 is (Testcontainers
        // names the bridge's gateway when it believes itself in a container; a test JVM in a container of its own
        // with the engine's socket mounted is not supported: the ports are published on the engine host's loopback)
        URI engine = DockerClientFactory.instance().getTransportConfig().getDockerHost();
        return "unix".equals(engine.getScheme()) ? "127.0.0.1" : host;
    }
}
