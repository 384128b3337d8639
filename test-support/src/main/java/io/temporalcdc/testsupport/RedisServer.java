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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** redis-server, daemonized, without persistence; readiness is a PING over a raw socket. */
final class RedisServer implements Redis, Server {

    private static final Logger LOG = LoggerFactory.getLogger(RedisServer.class);
    private static final int SOCKET_TIMEOUT_MS = 2_000;

    private final Path dir;
    private final Path logFile;
    private final Path pidFile;
    private final int port;
    private volatile Long pid;

    RedisServer(Path runDir) {
        this(runDir, Ports.free());
    }

    /** A server on a known port: one to start, or one another process started (then never started here). */
    RedisServer(Path runDir, int port) {
        this.dir = runDir.resolve("redis");
        this.logFile = dir.resolve("redis.log");
        this.pidFile = dir.resolve("redis-server.pid");
        this.port = port;
    }

    @Override
    public String name() {
        return "Redis";
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
        Procs.run(
                "redis-server",
                List.of(
                        OsUser.tool("redis-server"),
                        "--port",
                        Integer.toString(port),
                        "--bind",
                        "127.0.0.1",
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--daemonize",
                        "yes",
                        "--dir",
                        dir.toString(),
                        "--pidfile",
                        pidFile.toString(),
                        "--logfile",
                        logFile.toString()),
                Map.of(),
                dir.resolve("launch.log"),
                Duration.ofSeconds(30));
        // redis writes its pid file only once it listens: no pid file means it failed (see its log)
        pid = readPid();
        new PidRecord(pid, signature()).write(runDir, "redis");
        Readiness.await(this, timeout, () -> "PONG".equals(command("PING").orElse("")));
    }

    @Override
    public void close() {
        Long running = pid != null ? pid : PidFiles.read(pidFile);
        if (running == null) {
            return;
        }
        pid = null;
        if (!new PidRecord(running, signature()).matches(Procs.commandLine(running))) {
            return;
        }
        command("SHUTDOWN NOSAVE");
        ProcessHandle.of(running).ifPresent(h -> {
            if (!Procs.waitGone(h, Duration.ofSeconds(10))) {
                LOG.warn("Redis did not shut down on SHUTDOWN NOSAVE; stopping pid {}", running);
                Procs.stop(name(), running, Duration.ofSeconds(10));
            }
        });
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
