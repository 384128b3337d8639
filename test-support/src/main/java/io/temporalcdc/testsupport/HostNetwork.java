package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;

/**
 * Containers that a test owns beside the stack (a second PostgreSQL cluster, a replica, Redis nodes and sentinels)
 * run in the host's network, as the processes they replace: each listens on 127.0.0.1 on a port of its own, and they
 * reach each other (a replica its primary, a sentinel its nodes) at the addresses the test's clients use. This needs
 * an engine on Linux (Docker or podman), or Docker Desktop 4.34 or later with host networking enabled (its VM has a
 * loopback of its own otherwise): {@link #hint()} says so when such a server does not start.
 */
final class HostNetwork {
    private static volatile String engineOs;

    private HostNetwork() {}

    /**
     * What to add to the failure of a server that runs in the host's network: on Docker Desktop, the setting it needs
     * (the server listens in Docker Desktop's VM, not on this machine, without it); elsewhere nothing.
     */
    static String hint() {
        String os = engineOs;
        if (os == null) {
            try {
                os = DockerClientFactory.instance().getInfo().getOperatingSystem();
            } catch (RuntimeException e) {
                os = "";
            }
            engineOs = os == null ? "" : os;
        }
        return hint(engineOs);
    }

    /** {@link #hint()} for an engine reporting {@code operatingSystem} ({@code GET /info}). */
    static String hint(String operatingSystem) {
        if (operatingSystem == null || !operatingSystem.contains("Docker Desktop")) {
            return "";
        }
        return " (the servers a test owns run in the host's network: on Docker Desktop that needs version 4.34 or"
                + " later with Settings → Resources → Network → \"Enable host networking\" on, else they listen in"
                + " Docker Desktop's VM where this machine does not reach them)";
    }

    /** Runs {@code container} in the host's network. */
    static <C extends GenericContainer<?>> C in(C container) {
        container.withNetworkMode("host");
        return container;
    }

    /**
     * Runs {@code container} in the host's network with {@code dir} mounted at the same path, as the user owning
     * {@code dir}: a server's configuration, data and log files stay where the processes backend keeps them, owned by
     * whoever runs the tests.
     */
    static <C extends GenericContainer<?>> C withDir(C container, Path dir) {
        try {
            Files.createDirectories(dir);
            Object uid = Files.getAttribute(dir, "unix:uid");
            Object gid = Files.getAttribute(dir, "unix:gid");
            if (Integer.valueOf(0).equals(uid)) {
                // as root, some images (redis) drop to a user of their own, who must write there too
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            }
            container.withFileSystemBind(dir.toString(), dir.toString(), BindMode.READ_WRITE);
            container.withCreateContainerCmdModifier(cmd -> cmd.withUser(uid + ":" + gid));
        } catch (IOException | UnsupportedOperationException e) {
            throw new StackException("cannot mount " + dir + " into a container: " + e, e);
        }
        return in(container);
    }

    /** Kills the container's main process with SIGKILL, as in a crash. */
    static void kill(GenericContainer<?> container) {
        DockerClientFactory.instance()
                .client()
                .killContainerCmd(container.getContainerId())
                .withSignal("KILL")
                .exec();
        awaitExit(container, Duration.ofSeconds(10));
    }

    /** Waits until the container's main process exited (a server told to shut down). */
    static boolean awaitExit(GenericContainer<?> container, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Boolean running = DockerClientFactory.instance()
                    .client()
                    .inspectContainerCmd(container.getContainerId())
                    .exec()
                    .getState()
                    .getRunning();
            if (!Boolean.TRUE.equals(running)) {
                return true;
            }
            Procs.pause(100);
        }
        return false;
    }
}
