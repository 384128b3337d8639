package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL, Kafka (KRaft), Elasticsearch and Redis servers as local processes on free
 * loopback ports, started in parallel in a run dir that keeps their logs.
 *
 * <p>Integration tests use {@link #shared()}: one stack per JVM, stopped by a shutdown hook. The
 * demo uses {@link #start(StackOptions)} and closes the stack itself. {@link #close()} stops
 * exactly the processes this stack started.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static LocalStack shared;
    private static RuntimeException sharedFailure;

    private final Path runDir;
    private final PostgresServer postgres;
    private final KafkaServer kafka;
    private final ElasticsearchServer elasticsearch;
    private final RedisServer redis;
    private final List<Server> servers;
    private boolean closed;

    private LocalStack(Path runDir) {
        this.runDir = runDir;
        this.postgres = new PostgresServer(runDir);
        this.kafka = new KafkaServer(runDir);
        this.elasticsearch = new ElasticsearchServer(runDir);
        this.redis = new RedisServer(runDir);
        this.servers = List.of(postgres, kafka, elasticsearch, redis);
    }

    /** The stack of this JVM, started on first use under {@link StackOptions#defaults()}. */
    public static synchronized LocalStack shared() {
        if (sharedFailure != null) {
            throw new StackException("the shared local stack failed to start earlier in this JVM: " + sharedFailure.getMessage(),
                    sharedFailure);
        }
        if (shared == null) {
            try {
                LocalStack stack = start(StackOptions.defaults());
                Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "local-stack-shutdown"));
                shared = stack;
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
        }
        return shared;
    }

    /** Starts a new stack in its own run dir under {@code options.baseDir()}; the caller closes it. */
    public static LocalStack start(StackOptions options) {
        Leftovers.clean(options.baseDir(), options.keepRunDirs());
        Path runDir = createRunDir(options.baseDir());
        LOG.info("Starting local stack in {}", runDir);
        long started = System.nanoTime();
        LocalStack stack = new LocalStack(runDir);
        try {
            stack.startAll(options.startTimeout());
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
        LOG.info("Local stack ready in {} ms; run dir {}", Duration.ofNanos(System.nanoTime() - started).toMillis(), runDir);
        for (Server server : stack.servers) {
            LOG.info("  {} at {} (log {})", server.name(), server.endpoint(), server.logFile());
        }
        return stack;
    }

    /** PostgreSQL. */
    public Postgres postgres() {
        return postgres;
    }

    /** Kafka. */
    public Kafka kafka() {
        return kafka;
    }

    /** Elasticsearch. */
    public Elasticsearch elasticsearch() {
        return elasticsearch;
    }

    /** Redis. */
    public Redis redis() {
        return redis;
    }

    /**
     * The endpoints as one JSON object:
     * {@code {"postgres":"jdbc:postgresql://127.0.0.1:P/temporal?user=temporal","elasticsearch":"http://127.0.0.1:P","kafka":"127.0.0.1:P","redis":"redis://127.0.0.1:P"}}.
     */
    public String endpointsJson() {
        return "{\"postgres\":\"" + postgres.jdbcUrl() + "\",\"elasticsearch\":\"" + elasticsearch.url()
                + "\",\"kafka\":\"" + kafka.bootstrapServers() + "\",\"redis\":\"" + redis.uri() + "\"}";
    }

    /** The run dir holding the servers' data and logs. */
    public Path runDir() {
        return runDir;
    }

    /** Stops every server this stack started (in parallel); safe to call twice. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        LOG.info("Stopping local stack in {}", runDir);
        List<Thread> stoppers = new ArrayList<>();
        for (Server server : servers) {
            stoppers.add(Thread.ofPlatform().name("stop-" + server.name()).start(() -> stopQuietly(server)));
        }
        for (Thread stopper : stoppers) {
            joinQuietly(stopper);
        }
        LOG.info("Local stack in {} stopped", runDir);
    }

    private void startAll(Duration timeout) {
        ExecutorService pool = Executors.newFixedThreadPool(servers.size(), r -> new Thread(r, "local-stack-start"));
        try {
            List<CompletableFuture<Void>> starts = servers.stream()
                    .map(server -> CompletableFuture.runAsync(() -> startOne(server, timeout), pool))
                    .toList();
            CompletableFuture.allOf(starts.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new StackException("local stack failed to start", e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    private void startOne(Server server, Duration timeout) {
        long started = System.nanoTime();
        server.start(runDir, timeout);
        LOG.info("{} ready in {} ms at {}", server.name(), Duration.ofNanos(System.nanoTime() - started).toMillis(), server.endpoint());
    }

    private static void stopQuietly(Server server) {
        try {
            server.close();
        } catch (RuntimeException e) {
            LOG.warn("{} did not stop cleanly: {}", server.name(), e.toString());
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(Duration.ofSeconds(90));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Path createRunDir(Path baseDir) {
        try {
            Files.createDirectories(baseDir);
            return Files.createDirectory(baseDir.resolve(Leftovers.runDirName(LocalDateTime.now(), ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new StackException("cannot create a run dir under " + baseDir + ": " + e, e);
        }
    }
}
