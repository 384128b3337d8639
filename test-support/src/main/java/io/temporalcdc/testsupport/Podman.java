package io.temporalcdc.testsupport;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A podman engine for tests that drive containers through the Docker API ({@code docker-compose}, later
 * Testcontainers): {@code podman system service} on a socket of its own, with the two settings this machine needs
 * ({@code ../shared/SERVICES.md}, "Containers": runc, because crun refuses hybrid cgroups; ulimits, because root
 * lacks CAP_SYS_RESOURCE) in a {@code containers.conf} that {@link #env()} hands to everything driving it.
 * {@link #close()} stops the service it started.
 */
public final class Podman implements AutoCloseable {
    private static final String CONTAINERS_CONF = """
            # written by temporal-cdc's test-support (Podman.java)
            [containers]
            default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
            [engine]
            runtime = "runc"
            """;

    private final Path dir;
    private final Path socket;
    private final Process service;

    private Podman(Path dir, Path socket, Process service) {
        this.dir = dir;
        this.socket = socket;
        this.service = service;
    }

    /**
     * @return why containers cannot run here (podman, runc or docker-compose missing), or empty when they can
     */
    public static Optional<String> missing() {
        List<String> absent = new ArrayList<>();
        for (String tool : List.of("podman", "runc", "docker-compose")) {
            if (Procs.output(List.of("sh", "-c", "command -v " + tool)).isEmpty()) {
                absent.add(tool);
            }
        }
        return absent.isEmpty()
                ? Optional.empty()
                : Optional.of("not installed: " + String.join(", ", absent)
                        + " (bin/prereqs.sh installs Debian's podman, runc, docker-compose and debootstrap as root)");
    }

    /**
     * Starts {@code podman system service} listening on {@code dir/podman.sock} and waits until it answers.
     *
     * @throws StackException when podman cannot start or does not answer within 30 s
     */
    public static Podman start(Path dir) {
        try {
            Files.createDirectories(dir);
            Path conf = dir.resolve("containers.conf");
            Files.writeString(conf, CONTAINERS_CONF);
            Path socket = dir.resolve("podman.sock");
            Files.deleteIfExists(socket);
            ProcessBuilder builder = new ProcessBuilder(
                            "podman", "system", "service", "--time=0", "unix://" + socket.toAbsolutePath())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("podman-service.log").toFile()));
            builder.environment().put("CONTAINERS_CONF", conf.toAbsolutePath().toString());
            Podman podman = new Podman(dir, socket, builder.start());
            podman.awaitSocket(Duration.ofSeconds(30));
            return podman;
        } catch (IOException e) {
            throw new StackException("podman system service could not be started in " + dir + ": " + e, e);
        }
    }

    private void awaitSocket(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!service.isAlive()) {
                throw new StackException("podman system service exited with " + service.exitValue() + "; see "
                        + dir.resolve("podman-service.log"));
            }
            if (Files.exists(socket)) {
                try (SocketChannel channel = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
                    return;
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            Procs.pause(200);
        }
        close();
        throw new StackException(
                "podman system service did not listen on " + socket + " within " + timeout.toSeconds() + " s");
    }

    /** @return the environment of anything driving this engine: {@code DOCKER_HOST}, {@code CONTAINERS_CONF} */
    public Map<String, String> env() {
        return Map.of(
                "DOCKER_HOST",
                "unix://" + socket.toAbsolutePath(),
                "CONTAINERS_CONF",
                dir.resolve("containers.conf").toAbsolutePath().toString());
    }

    /**
     * Runs {@code podman ARGS} against this machine's storage with this engine's settings.
     *
     * @return its standard output
     * @throws StackException when it exits non-zero (with its error output) or takes longer than {@code timeout}
     */
    public String podman(Duration timeout, String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env());
        try {
            Path err = Files.createTempFile(dir, "podman", ".err");
            builder.redirectError(err.toFile());
            Process process = builder.start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new StackException(String.join(" ", command) + " did not finish within " + timeout);
            }
            String error = Files.readString(err);
            Files.deleteIfExists(err);
            if (process.exitValue() != 0) {
                throw new StackException(
                        String.join(" ", command) + " exited with " + process.exitValue() + ": " + error.strip());
            }
            return out;
        } catch (IOException e) {
            throw new StackException(String.join(" ", command) + " could not run: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException(String.join(" ", command) + " was interrupted", e);
        }
    }

    /** Stops the service this object started (containers it ran are the caller's to remove first). */
    @Override
    public void close() {
        if (service.isAlive()) {
            Procs.stop("podman system service", service.pid(), Duration.ofSeconds(10));
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            // the socket file of a stopped service: harmless
        }
    }
}
