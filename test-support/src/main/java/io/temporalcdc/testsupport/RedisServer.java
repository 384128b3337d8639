package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * redis-server, daemonized, without periodic persistence; readiness is a PING over a raw socket. Variants: a replica
 * ({@code --replicaof}), a persistent server (its stop saves the dataset, its next start loads it: an outage loses
 * nothing), and a Sentinel ({@code redis-server sentinel.conf --sentinel}).
 */
final class RedisServer implements Redis, Server {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final int SOCKET_TIMEOUT_MS = 2_000;

    private final Path dir;
    private final Path logFile;
    private final Path pidFile;
    private final int port;
    private final List<String> extraArgs;
    private final List<String> sentinelConfig;
    private final boolean persistent;
    /** Whether it runs in a container (in the host's network) rather than as a process. */
    private final boolean inContainer;

    private volatile Long pid;
    private volatile GenericContainer<?> container;

    RedisServer(Path runDir) {
        this(runDir, Ports.free());
    }

    /** A server on a known port: one to start, or one another process started (then never started here). */
    RedisServer(Path runDir, int port) {
        this(runDir.resolve("redis"), port, List.of(), null, false);
    }

    /**
     * @param dir the server's own directory
     * @param extraArgs more command-line options (e.g. {@code --replicaof 127.0.0.1 P})
     * @param sentinelConfig for a Sentinel: the lines of its initial {@code sentinel.conf} (Sentinel rewrites it);
     *     null for a data node
     * @param persistent whether a stop saves the dataset for the next start
     */
    RedisServer(Path dir, int port, List<String> extraArgs, List<String> sentinelConfig, boolean persistent) {
        this(dir, port, extraArgs, sentinelConfig, persistent, false);
    }

    private RedisServer(
            Path dir,
            int port,
            List<String> extraArgs,
            List<String> sentinelConfig,
            boolean persistent,
            boolean inContainer) {
        this.inContainer = inContainer;
        this.dir = dir;
        this.logFile = dir.resolve("redis.log");
        this.pidFile = dir.resolve("redis-server.pid");
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.sentinelConfig = sentinelConfig == null ? null : List.copyOf(sentinelConfig);
        this.persistent = persistent;
    }

    /**
     * A server a test owns (its own node, a replica, a sentinel): a process, or on the containers backend
     * ({@link StackBackend#ofThisJvm}) the same {@code redis-server} command in a container in the host's network,
     * its directory (configuration, data, log) mounted at the same path.
     */
    static RedisServer own(
            Path dir, int port, List<String> extraArgs, List<String> sentinelConfig, boolean persistent) {
        return new RedisServer(
                dir, port, extraArgs, sentinelConfig, persistent, StackBackend.ofThisJvm() == StackBackend.CONTAINERS);
    }

    @Override
    public String name() {
        return sentinelConfig != null ? "Redis Sentinel" : "Redis";
    }

    @Override
    public String endpoint() {
        return uri();
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StackException("Redis run dir " + dir + " cannot be created: " + e, e);
        }
        List<String> command = new ArrayList<>();
        command.add(inContainer ? "redis-server" : OsUser.tool("redis-server"));
        if (sentinelConfig != null) {
            Path config = dir.resolve("sentinel.conf");
            try {
                if (!Files.exists(config)) {
                    Files.writeString(config, String.join("\n", sentinelConfig) + "\n");
                }
            } catch (IOException e) {
                throw new StackException("Sentinel config " + config + " cannot be written: " + e, e);
            }
            command.add(config.toString());
            command.add("--sentinel");
        } else {
            command.addAll(List.of("--save", "", "--appendonly", "no"));
        }
        command.addAll(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1"));
        if (!inContainer) {
            command.addAll(List.of("--daemonize", "yes", "--pidfile", pidFile.toString()));
        }
        command.addAll(List.of("--dir", dir.toString(), "--logfile", logFile.toString()));
        command.addAll(extraArgs);
        if (inContainer) {
            startContainer(runDir, command, timeout);
            return;
        }
        try {
            // a server killed before (SIGKILL) left its pid file: read after this start, it would name the dead
            // process,
            // and close() would then leave the new one running
            Files.deleteIfExists(pidFile);
        } catch (IOException e) {
            throw new StackException("Redis pid file " + pidFile + " cannot be removed: " + e, e);
        }
        Procs.run(name(), command, Map.of(), dir.resolve("launch.log"), Duration.ofSeconds(30));
        // redis writes its pid file only once it listens: no pid file means it failed (see its log)
        pid = readPid();
        new PidRecord(pid, signature()).write(runDir, "redis");
        Readiness.await(this, timeout, () -> "PONG".equals(command("PING").orElse("")));
    }

    private void startContainer(Path runDir, List<String> command, Duration timeout) {
        GenericContainer<?> started = HostNetwork.withDir(
                        new GenericContainer<>(ContainerImages.fromSettings().redis()), dir)
                .withCommand(command.toArray(String[]::new))
                .withLabels(ContainerEngine.labels(runDir));
        container = started;
        try {
            started.start();
        } catch (RuntimeException e) {
            close();
            throw new StackException(
                    name() + " container did not start: " + e.getMessage() + "; see " + logFile + HostNetwork.hint(),
                    e);
        }
        try {
            Readiness.await(this, timeout, () -> "PONG".equals(command("PING").orElse("")));
        } catch (RuntimeException e) {
            close();
            String hint = HostNetwork.hint();
            if (hint.isEmpty()) {
                throw e;
            }
            throw new StackException(e.getMessage() + hint, e);
        }
    }

    @Override
    public void close() {
        GenericContainer<?> running = container;
        if (inContainer) {
            container = null;
            if (running != null) {
                if (running.isRunning()) {
                    command(sentinelConfig != null ? "SHUTDOWN" : persistent ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE");
                    HostNetwork.awaitExit(running, Duration.ofSeconds(10));
                }
                running.stop();
            }
            return;
        }
        closeProcess();
    }

    private void closeProcess() {
        Long running = pid != null ? pid : PidFiles.read(pidFile);
        if (running == null) {
            return;
        }
        pid = null;
        if (!new PidRecord(running, signature()).matches(Procs.commandLine(running))) {
            return;
        }
        String shutdown = sentinelConfig != null ? "SHUTDOWN" : persistent ? "SHUTDOWN SAVE" : "SHUTDOWN NOSAVE";
        command(shutdown);
        ProcessHandle.of(running).ifPresent(h -> {
            if (!Procs.waitGone(h, Duration.ofSeconds(10))) {
                LOG.warn("{} did not shut down on {}; stopping pid {}", name(), shutdown, running);
                Procs.stop(name(), running, Duration.ofSeconds(10));
            }
        });
    }

    /** Kills the server with SIGKILL: whatever it had not replicated is lost, as in a crash. */
    void kill() {
        GenericContainer<?> killed = container;
        if (inContainer) {
            container = null;
            if (killed != null) {
                HostNetwork.kill(killed);
                killed.stop();
            }
            return;
        }
        Long running = pid != null ? pid : PidFiles.read(pidFile);
        pid = null;
        if (running != null && new PidRecord(running, signature()).matches(Procs.commandLine(running))) {
            ProcessHandle.of(running).ifPresent(h -> {
                h.destroyForcibly();
                Procs.waitGone(h, Duration.ofSeconds(10));
            });
        }
    }

    private String signature() {
        return "redis-server 127.0.0.1:" + port;
    }

    @Override
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    /**
     * Sends an inline command and reads its whole reply: a simple string, error or integer as one element, a bulk
     * string as one element (null when nil), an array as its elements (one level).
     */
    List<String> reply(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String head = readLine(in).orElseThrow(() -> new IOException("no reply"));
            List<String> values = new ArrayList<>();
            if (head.startsWith("*")) {
                int count = Integer.parseInt(head.substring(1));
                for (int i = 0; i < count; i++) {
                    values.add(element(in, readLine(in).orElseThrow(() -> new IOException("short reply"))));
                }
            } else {
                values.add(element(in, head));
            }
            return values;
        } catch (IOException | RuntimeException e) {
            throw new StackException(name() + " on port " + port + " did not answer " + inline + ": " + e, e);
        }
    }

    private static String element(InputStream in, String head) throws IOException {
        if (head.startsWith("$")) {
            int length = Integer.parseInt(head.substring(1));
            if (length < 0) {
                return null;
            }
            byte[] bytes = in.readNBytes(length + 2);
            return new String(bytes, 0, Math.min(length, bytes.length), StandardCharsets.UTF_8);
        }
        return head.substring(1);
    }

    /** Sends an inline command and returns the first reply line without its type prefix. */
    Optional<String> command(String inline) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), SOCKET_TIMEOUT_MS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            out.write((inline + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return readLine(socket.getInputStream()).map(line -> line.isEmpty() ? line : line.substring(1));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return c == -1 && line.isEmpty() ? Optional.empty() : Optional.of(line.toString());
    }

    private long readPid() {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                return Long.parseLong(Files.readString(pidFile).trim());
            } catch (IOException | NumberFormatException e) {
                Procs.pause(100);
            }
        }
        throw new StackException("Redis wrote no pid file " + pidFile + "; see " + logFile);
    }
}
