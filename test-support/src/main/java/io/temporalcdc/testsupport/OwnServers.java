package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers that one test owns, beside the shared stack: a Kafka broker and an Elasticsearch node it may stop and start
 * again (same ports, same data) to see how the apps live through an outage, or a second PostgreSQL cluster (a
 * restore target, with its own, lower LSNs). Closing stops what was started.
 */
public final class OwnServers implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OwnServers.class);
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private final Path runDir;
    private final KafkaServer kafka;
    private final ElasticsearchServer elasticsearch;
    private final OwnPostgres postgres;
    private final RedisServer redis;

    private OwnServers(Path runDir, boolean brokerAndNode, boolean database) {
        this(runDir, brokerAndNode, database ? ownPostgres(runDir) : null, null);
    }

    /** A cluster of its own: a process, or a container on the containers backend ({@link StackBackend#ofThisJvm}). */
    private static OwnPostgres ownPostgres(Path runDir) {
        return StackBackend.ofThisJvm() == StackBackend.CONTAINERS
                ? PostgresContainerServer.own(runDir, ContainerImages.fromSettings())
                : new PostgresServer(runDir);
    }

    private OwnServers(Path runDir, boolean brokerAndNode, OwnPostgres postgres, RedisServer redis) {
        this(runDir, brokerAndNode, brokerAndNode, postgres, redis);
    }

    private OwnServers(Path runDir, boolean broker, boolean node, OwnPostgres postgres, RedisServer redis) {
        this.runDir = runDir;
        this.kafka = broker ? new KafkaServer(runDir) : null;
        this.elasticsearch = node ? new ElasticsearchServer(runDir) : null;
        this.postgres = postgres;
        this.redis = redis;
    }

    /**
     * Starts a Kafka broker and an Elasticsearch node in a new run dir under {@code base} (leftovers of crashed runs
     * there are cleaned up first).
     */
    public static OwnServers start(Path base) {
        OwnServers servers = new OwnServers(newRunDir(base), true, false);
        try {
            servers.startKafka();
            servers.startElasticsearch();
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /** Starts a Kafka broker of its own (no Elasticsearch node) in a new run dir under {@code base}. */
    public static OwnServers kafka(Path base) {
        OwnServers servers = new OwnServers(newRunDir(base), true, false, null, null);
        try {
            servers.startKafka();
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /** Starts a PostgreSQL cluster of its own (fresh initdb) in a new run dir under {@code base}. */
    public static OwnServers postgres(Path base) {
        OwnServers servers = new OwnServers(newRunDir(base), false, true);
        try {
            servers.postgres.start(servers.runDir, TIMEOUT);
            LOG.info("Own PostgreSQL up at {}", servers.postgres.jdbcUrl());
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /**
     * Starts a hot standby of {@code primary} (pg_basebackup, streaming replication) in a new run dir under {@code
     * base}: {@link #postgres()} is the replica, read-only, with {@code pg_wal_replay_pause()} and {@code
     * pg_wal_replay_resume()} at hand. Start it after the schema exists on the primary, or wait for replay.
     */
    public static OwnServers replicaOf(Postgres primary, Path base) {
        Path runDir = newRunDir(base);
        OwnPostgres replica = StackBackend.ofThisJvm() == StackBackend.CONTAINERS
                ? PostgresContainerServer.replicaOf(primary, runDir, ContainerImages.fromSettings())
                : new PostgresServer(runDir, Ports.free(), primary);
        OwnServers servers = new OwnServers(runDir, false, replica, null);
        try {
            servers.postgres.start(servers.runDir, TIMEOUT);
            LOG.info("PostgreSQL replica of {} up at {}", primary.jdbcUrl(), servers.postgres.jdbcUrl());
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    /**
     * Starts a Redis server of its own in a new run dir under {@code base}; {@link #stopRedis()} saves its dataset
     * and {@link #startRedis()} loads it again, so an outage loses nothing but time.
     */
    public static OwnServers redis(Path base) {
        Path runDir = newRunDir(base);
        OwnServers servers = new OwnServers(
                runDir, false, null, RedisServer.own(runDir.resolve("redis"), Ports.free(), List.of(), null, true));
        try {
            servers.startRedis();
            return servers;
        } catch (RuntimeException e) {
            servers.close();
            throw e;
        }
    }

    static Path newRunDir(Path base) {
        Path baseDir = base.toAbsolutePath().normalize();
        Leftovers.clean(baseDir, 2);
        Path runDir;
        try {
            Files.createDirectories(baseDir);
            runDir = Files.createDirectory(baseDir.resolve(Leftovers.runDirName(
                    LocalDateTime.now(), ProcessHandle.current().pid())));
        } catch (IOException e) {
            throw new StackException("cannot create a run dir under " + baseDir + ": " + e, e);
        }
        return runDir;
    }

    public Kafka kafka() {
        return require(kafka, "Kafka");
    }

    public Elasticsearch elasticsearch() {
        return require(elasticsearch, "Elasticsearch");
    }

    public Postgres postgres() {
        return require(postgres, "PostgreSQL");
    }

    public Redis redis() {
        return require(redis, "Redis");
    }

    /** Starts Redis (again), on its port, loading what it saved when stopped. */
    public void startRedis() {
        require(redis, "Redis").start(runDir, TIMEOUT);
        LOG.info("Own Redis up at {}", redis.uri());
    }

    /** Stops Redis, saving its dataset ({@code SHUTDOWN SAVE}). */
    public void stopRedis() {
        require(redis, "Redis").close();
        LOG.info("Own Redis at {} stopped", redis.uri());
    }

    private static <T> T require(T server, String name) {
        if (server == null) {
            throw new IllegalStateException(name + " was not started by these servers");
        }
        return server;
    }

    /** Stops PostgreSQL (fast shutdown: every session is cut), keeping its data. */
    public void stopPostgres() {
        require(postgres, "PostgreSQL").pause();
        LOG.info("Own PostgreSQL at {} stopped", postgres.jdbcUrl());
    }

    /** Starts PostgreSQL again after {@link #stopPostgres()}, on its port and data. */
    public void startPostgres() {
        require(postgres, "PostgreSQL").resume(runDir, TIMEOUT);
        LOG.info("Own PostgreSQL up again at {}", postgres.jdbcUrl());
    }

    /** Starts the broker (again), on its port and data, and waits until it answers. */
    public void startKafka() {
        require(kafka, "Kafka").start(runDir, TIMEOUT);
        LOG.info("Own Kafka up at {}", kafka.bootstrapServers());
    }

    /** Stops the broker (SIGTERM, SIGKILL after 30 s). */
    public void stopKafka() {
        require(kafka, "Kafka").close();
        LOG.info("Own Kafka at {} stopped", kafka.bootstrapServers());
    }

    /** Starts the node (again), on its port and data, and waits until it is yellow. */
    public void startElasticsearch() {
        require(elasticsearch, "Elasticsearch").start(runDir, TIMEOUT);
        LOG.info("Own Elasticsearch up at {}", elasticsearch.url());
    }

    /** Stops the node (SIGTERM, SIGKILL after 30 s). */
    public void stopElasticsearch() {
        require(elasticsearch, "Elasticsearch").close();
        LOG.info("Own Elasticsearch at {} stopped", elasticsearch.url());
    }

    public Path runDir() {
        return runDir;
    }

    @Override
    public void close() {
        for (Server server : new Server[] {elasticsearch, kafka, postgres, redis}) {
            if (server != null) {
                try {
                    server.close();
                } catch (RuntimeException e) {
                    LOG.warn("{} did not stop cleanly: {}", server.name(), e.toString());
                }
            }
        }
    }
}
