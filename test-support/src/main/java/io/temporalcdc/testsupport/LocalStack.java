package io.temporalcdc.testsupport;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real PostgreSQL, Kafka (KRaft), Elasticsearch, Redis and schema registry servers on loopback ports, started in
 * parallel in a run dir that keeps their logs: local processes on free ports, or containers with published ports
 * ({@link StackBackend}: {@code stack.backend=auto|processes|containers}; the first line of the start says which).
 *
 * <p>Integration tests use {@link #shared()}: one stack per JVM, stopped by a shutdown hook — or,
 * when {@code bin/test} started one stack for the whole test run ({@link StackMain}) and named its
 * endpoints file in the environment variable {@value #ATTACH_ENV}, that stack, which every module's
 * test JVM then shares and none stops. The demo uses {@link #start(StackOptions)} and closes the
 * stack itself. {@link #close()} stops exactly the processes this stack started.
 */
public final class LocalStack implements AutoCloseable {

    /** Environment variable (or system property {@code tcdc.stack.attach}) naming the endpoints file of a running stack. */
    public static final String ATTACH_ENV = "TCDC_STACK_ATTACH";

    private static final Logger LOG = LoggerFactory.getLogger(LocalStack.class);
    private static LocalStack shared;
    private static RuntimeException sharedFailure;

    private final Path runDir;
    private final StackBackend backend;
    private final Postgres postgres;
    private final Kafka kafka;
    private final Elasticsearch elasticsearch;
    private final Redis redis;
    private final SchemaRegistry registry;
    private final List<Server> servers;
    private final boolean attached;
    private boolean closed;

    /** A stack to start on {@code backend}. */
    private static LocalStack create(Path runDir, StackBackend backend) {
        if (backend == StackBackend.CONTAINERS) {
            ContainerImages images = ContainerImages.fromSettings();
            LOG.info("Container images: {} ({}={})", images.label(), ContainerImages.PROPERTY, images.label());
            return new LocalStack(
                    runDir,
                    backend,
                    new PostgresContainerServer(runDir, images),
                    new KafkaContainerServer(runDir, images),
                    new ElasticsearchContainerServer(runDir, images),
                    new RedisContainerServer(runDir, images),
                    new SchemaRegistryContainerServer(runDir, images),
                    false);
        }
        return new LocalStack(
                runDir,
                backend,
                new PostgresServer(runDir),
                new KafkaServer(runDir),
                new ElasticsearchServer(runDir),
                new RedisServer(runDir),
                new SchemaRegistryServer(runDir),
                false);
    }

    /** Every server is a {@link Server} of either backend (processes, or containers) as well. */
    private LocalStack(
            Path runDir,
            StackBackend backend,
            Postgres postgres,
            Kafka kafka,
            Elasticsearch elasticsearch,
            Redis redis,
            SchemaRegistry registry,
            boolean attached) {
        this.runDir = runDir;
        this.backend = backend;
        this.postgres = postgres;
        this.kafka = kafka;
        this.elasticsearch = elasticsearch;
        this.redis = redis;
        this.registry = registry;
        this.servers =
                List.of((Server) postgres, (Server) kafka, (Server) elasticsearch, (Server) redis, (Server) registry);
        this.attached = attached;
    }

    /** The stack of this JVM, started on first use under {@link StackOptions#defaults()}. */
    public static synchronized LocalStack shared() {
        if (sharedFailure != null) {
            throw new StackException(
                    "the shared local stack failed to start earlier in this JVM: " + sharedFailure.getMessage(),
                    sharedFailure);
        }
        if (shared == null) {
            String attachTo = System.getProperty("tcdc.stack.attach", System.getenv(ATTACH_ENV));
            if (attachTo != null && !attachTo.isBlank()) {
                shared = attach(Path.of(attachTo));
                return shared;
            }
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
        return start(options, StackBackend.choose());
    }

    /** Starts a new stack on the chosen backend, which its first log line names; the caller closes it. */
    public static LocalStack start(StackOptions options, StackBackend.Choice backend) {
        LOG.info("{}", backend.line());
        Leftovers.clean(options.baseDir(), options.keepRunDirs());
        if (backend.backend() == StackBackend.CONTAINERS) {
            ContainerEngine.removeLeftovers();
        }
        Path runDir = createRunDir(options.baseDir());
        LOG.info("Starting local stack in {}", runDir);
        long started = System.nanoTime();
        LocalStack stack = create(runDir, backend.backend());
        // the caller has no handle on the stack until start returns: a SIGTERM meanwhile must still stop it
        Thread stopWhileStarting = new Thread(stack::close, "local-stack-stop-while-starting");
        Runtime.getRuntime().addShutdownHook(stopWhileStarting);
        try {
            stack.startAll(options.startTimeout());
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        } finally {
            removeHook(stopWhileStarting);
        }
        LOG.info(
                "Local stack ready in {} ms; run dir {}",
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                runDir);
        for (Server server : stack.servers) {
            LOG.info("  {} at {} (log {})", server.name(), server.endpoint(), server.logFile());
        }
        return stack;
    }

    /**
     * The stack another process started and described with {@link #writeEndpoints(Path)}; closing
     * the returned stack stops nothing.
     */
    public static LocalStack attach(Path endpointsFile) {
        Properties endpoints = new Properties();
        try (Reader reader = Files.newBufferedReader(endpointsFile)) {
            endpoints.load(reader);
        } catch (IOException e) {
            throw new StackException(
                    "cannot read the endpoints file " + endpointsFile + " of the running stack: " + e, e);
        }
        Path runDir = Path.of(endpoints.getProperty("run.dir"));
        StackBackend backend = StackBackend.valueOf(
                endpoints.getProperty("backend", "processes").toUpperCase(java.util.Locale.ROOT));
        LocalStack stack = new LocalStack(
                runDir,
                backend,
                new PostgresServer(runDir, port(endpoints, "postgres.port")),
                new KafkaServer(
                        runDir,
                        port(endpoints, "kafka.port"),
                        Integer.parseInt(endpoints.getProperty("kafka.controller.port", "0"))),
                new ElasticsearchServer(runDir, port(endpoints, "elasticsearch.port")),
                new RedisServer(runDir, port(endpoints, "redis.port")),
                new SchemaRegistryServer(runDir, port(endpoints, "schema-registry.port")),
                true);
        LOG.info("Attached to the running local stack ({}) in {}: {}", backend.label(), runDir, stack.endpointsJson());
        return stack;
    }

    /** Describes this stack in {@code file} (written atomically) so other JVMs can {@link #attach(Path)} to it. */
    public void writeEndpoints(Path file) {
        Properties endpoints = new Properties();
        endpoints.setProperty("run.dir", runDir.toString());
        endpoints.setProperty("backend", backend.label());
        endpoints.setProperty("postgres.port", Integer.toString(postgres.port()));
        endpoints.setProperty("kafka.port", bootstrapPort());
        if (kafka instanceof KafkaServer process) {
            endpoints.setProperty("kafka.controller.port", Integer.toString(process.controllerPort()));
        }
        endpoints.setProperty(
                "elasticsearch.port",
                Integer.toString(URI.create(elasticsearch.url()).getPort()));
        endpoints.setProperty("redis.port", Integer.toString(redis.port()));
        endpoints.setProperty(
                "schema-registry.port",
                Integer.toString(URI.create(registry.url()).getPort()));
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temp = Files.createTempFile(parent, "endpoints", ".tmp");
            try (Writer writer = Files.newBufferedWriter(temp)) {
                endpoints.store(writer, "temporal-cdc local stack " + endpointsJson());
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new StackException("cannot write the endpoints file " + file + ": " + e, e);
        }
    }

    private String bootstrapPort() {
        String servers = kafka.bootstrapServers();
        return servers.substring(servers.lastIndexOf(':') + 1);
    }

    private static int port(Properties endpoints, String key) {
        String value = endpoints.getProperty(key);
        if (value == null) {
            throw new StackException("the endpoints file of the running stack has no " + key);
        }
        return Integer.parseInt(value.trim());
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting: the hook is running and stops the stack
        }
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

    /** The schema registry (Confluent-compatible API). */
    public SchemaRegistry schemaRegistry() {
        return registry;
    }

    /**
     * The endpoints as one JSON object:
     * {@code {"postgres":"jdbc:postgresql://127.0.0.1:P/temporal?user=temporal","elasticsearch":"http://127.0.0.1:P","kafka":"127.0.0.1:P","redis":"redis://127.0.0.1:P"}} (the demo's {@code ENDPOINTS} line begins with it; the
     * schema registry is {@link #schemaRegistry()}).
     */
    public String endpointsJson() {
        return "{\"postgres\":\"" + postgres.jdbcUrl() + "\",\"elasticsearch\":\"" + elasticsearch.url()
                + "\",\"kafka\":\"" + kafka.bootstrapServers() + "\",\"redis\":\"" + redis.uri() + "\"}";
    }

    /** Which servers this stack runs: local processes or containers. */
    public StackBackend backend() {
        return backend;
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
        if (attached) {
            LOG.info("Leaving the attached local stack in {} running: its owner stops it", runDir);
            return;
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
            throw e.getCause() instanceof RuntimeException r
                    ? r
                    : new StackException("local stack failed to start", e.getCause());
        } finally {
            pool.shutdown();
        }
    }

    private void startOne(Server server, Duration timeout) {
        long started = System.nanoTime();
        server.start(runDir, timeout);
        LOG.info(
                "{} ready in {} ms at {}",
                server.name(),
                Duration.ofNanos(System.nanoTime() - started).toMillis(),
                server.endpoint());
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
            return Files.createDirectory(baseDir.resolve(Leftovers.runDirName(
                    LocalDateTime.now(), ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new StackException("cannot create a run dir under " + baseDir + ": " + e, e);
        }
    }
}
