package io.temporalcdc.testsupport;

import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;

/**
 * One server of the containers backend: a Testcontainers container, labelled as the stack's
 * ({@link ContainerEngine#labels}), its output written to the same log file the processes backend writes (so an
 * attached JVM names the same file), ready when its wait strategy says so. Once started, {@link #started} builds the
 * client side from the published port: the same classes the processes backend uses to reach a server another process
 * started.
 *
 * @param <C> the container type
 */
abstract class ContainerServer<C extends GenericContainer<?>> implements Server {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerServer.class);

    private final String name;
    private final C container;
    private final Path logFile;
    private volatile boolean closed;

    ContainerServer(String name, C container, Path logFile) {
        this.name = name;
        this.container = container;
        this.logFile = logFile;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    /** The container (for its subclass's configuration). */
    C container() {
        return container;
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        LogFile log = new LogFile(logFile);
        container.withLabels(ContainerEngine.labels(runDir)).withStartupTimeout(timeout);
        container.withLogConsumer(log);
        if (!hostNetwork()) {
            container.withCreateContainerCmdModifier(ContainerServer::loopbackOnly);
        }
        boolean started = false;
        try {
            container.start();
            started = true;
            if (closed) {
                // close() ran while the container was being created (SIGTERM during the start): it saw no container
                container.stop();
                throw new StackException(name + " was closed while it started");
            }
        } catch (RuntimeException e) {
            log.close();
            close();
            throw new StackException(
                    name + " (container of " + container.getDockerImageName() + ") did not become ready within "
                            + timeout.toSeconds() + " s: " + e.getMessage() + "; see " + logFile
                            + (hostNetwork() && !started ? HostNetwork.hint() : ""),
                    e);
        }
        if (hostNetwork()) {
            started(runDir, containerPort());
            return;
        }
        String host = ContainerEngine.host(container);
        if (!"127.0.0.1".equals(host)) {
            close();
            throw new StackException("the containers backend needs an engine on this machine (its ports published on"
                    + " 127.0.0.1); " + name + "'s engine publishes on " + host);
        }
        started(runDir, container.getMappedPort(containerPort()));
    }

    /**
     * Publishes every port on 127.0.0.1 only (the fixed ones on their port, the others on one the engine picks), as
     * the processes backend listens: a trusted superuser, a Redis and an Elasticsearch without authentication are not
     * for the network.
     */
    private static void loopbackOnly(CreateContainerCmd cmd) {
        HostConfig host = cmd.getHostConfig();
        if (host == null || cmd.getExposedPorts() == null) {
            return;
        }
        Map<ExposedPort, Ports.Binding[]> fixed = host.getPortBindings() == null
                ? Map.of()
                : host.getPortBindings().getBindings();
        Ports ports = new Ports();
        for (ExposedPort port : cmd.getExposedPorts()) {
            Ports.Binding[] bindings = fixed.get(port);
            String hostPort = bindings != null && bindings.length > 0 && bindings[0] != null
                    ? bindings[0].getHostPortSpec()
                    : null;
            ports.bind(
                    port,
                    hostPort != null && !hostPort.isEmpty()
                            ? Ports.Binding.bindIpAndPort("127.0.0.1", Integer.parseInt(hostPort))
                            : Ports.Binding.bindIp("127.0.0.1"));
        }
        host.withPortBindings(ports).withPublishAllPorts(false);
    }

    /** Whether the container runs in the host's network (it listens on this machine's loopback itself). */
    boolean hostNetwork() {
        return "host".equals(container.getNetworkMode());
    }

    /**
     * Stops the container, keeping it and its data, for {@link #startAgain}: as a server stopped for an outage.
     */
    void stopKeeping() {
        DockerClientFactory.instance()
                .client()
                .stopContainerCmd(container.getContainerId())
                .withTimeout(30)
                .exec();
    }

    /** Starts a container {@link #stopKeeping stopped} before (same ports, same data). */
    void startAgain() {
        DockerClientFactory.instance()
                .client()
                .startContainerCmd(container.getContainerId())
                .exec();
    }

    /** Kills the container's server with SIGKILL, as in a crash (the container is removed by {@link #close}). */
    void kill() {
        DockerClientFactory.instance()
                .client()
                .killContainerCmd(container.getContainerId())
                .withSignal("KILL")
                .exec();
    }

    /** The port the server listens on inside the container. */
    abstract int containerPort();

    /** Builds the client side once the container is ready, from the port published on 127.0.0.1. */
    abstract void started(Path runDir, int port);

    @Override
    public void close() {
        closed = true;
        try {
            // removes the container and its anonymous volumes
            container.stop();
        } catch (RuntimeException e) {
            LOG.warn("{} container did not stop cleanly: {}", name, e.toString());
        }
    }

    /** Appends a container's output to its log file. */
    private static final class LogFile implements Consumer<OutputFrame> {
        private final Path file;
        private Writer writer;

        LogFile(Path file) {
            this.file = file;
            try {
                Files.createDirectories(file.getParent());
                writer = Files.newBufferedWriter(
                        file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new StackException("cannot write the log file " + file + ": " + e, e);
            }
        }

        synchronized void close() {
            try {
                if (writer != null) {
                    writer.close();
                }
            } catch (IOException e) {
                LOG.warn("cannot close {}: {}", file, e.toString());
            }
            writer = null;
        }

        @Override
        public synchronized void accept(OutputFrame frame) {
            if (writer == null) {
                return;
            }
            try {
                if (frame.getType() == OutputFrame.OutputType.END) {
                    writer.close();
                    writer = null;
                    return;
                }
                writer.write(frame.getUtf8String());
                writer.flush();
            } catch (IOException e) {
                LOG.warn("cannot write to {}: {}", file, e.toString());
            }
        }
    }
}
