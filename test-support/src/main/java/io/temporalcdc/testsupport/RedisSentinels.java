package io.temporalcdc.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seed's Redis topology, for one test: a primary, a replica and three sentinels (quorum 2, a primary counts as
 * down after 1 s), all {@code redis-server} processes from Debian's package on 127.0.0.1. A test can kill the
 * primary (SIGKILL: what it had not replicated is lost), ask for a {@code SENTINEL FAILOVER}, and start a killed
 * node again (Sentinel turns it into a replica of the new primary). Closing stops every process.
 */
public final class RedisSentinels implements AutoCloseable {
    /** The name the sentinels monitor the primary under. */
    public static final String MASTER = "temporalcdc";

    private static final Logger LOG = LoggerFactory.getLogger(RedisSentinels.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Pattern CONNECTED_REPLICAS = Pattern.compile("connected_slaves:(\\d+)");

    private final List<RedisServer> data = new ArrayList<>();
    private final List<RedisServer> sentinels = new ArrayList<>();
    private final Path runDir;

    private RedisSentinels(Path runDir) {
        this.runDir = runDir;
    }

    /** Starts the five processes in a new run dir under {@code base} and waits until Sentinel sees them all. */
    public static RedisSentinels start(Path base) {
        RedisSentinels group = new RedisSentinels(OwnServers.newRunDir(base));
        try {
            int primaryPort = Ports.free();
            RedisServer primary = RedisServer.own(group.runDir.resolve("redis-a"), primaryPort, List.of(), null, false);
            primary.start(group.runDir, TIMEOUT);
            group.data.add(primary);
            int replicaPort = Ports.free();
            RedisServer replica = RedisServer.own(
                    group.runDir.resolve("redis-b"),
                    replicaPort,
                    List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)),
                    null,
                    false);
            replica.start(group.runDir, TIMEOUT);
            group.data.add(replica);
            for (int i = 0; i < 3; i++) {
                RedisServer sentinel = RedisServer.own(
                        group.runDir.resolve("sentinel-" + i),
                        Ports.free(),
                        List.of(),
                        List.of(
                                "sentinel monitor " + MASTER + " 127.0.0.1 " + primaryPort + " 2",
                                // 1 s is too short on a loaded 2-core machine: a primary busy for a moment (a
                                // full sync, a fork) was failed over again right after its promotion
                                "sentinel down-after-milliseconds " + MASTER + " 3000",
                                "sentinel failover-timeout " + MASTER + " 10000",
                                "sentinel parallel-syncs " + MASTER + " 1"),
                        false);
                sentinel.start(group.runDir, TIMEOUT);
                group.sentinels.add(sentinel);
            }
            group.awaitHealthy(TIMEOUT);
            LOG.info("Redis with Sentinel up: {}", group.uri());
            return group;
        } catch (RuntimeException e) {
            group.close();
            throw e;
        }
    }

    /** @return {@code redis-sentinel://127.0.0.1:S1,127.0.0.1:S2,127.0.0.1:S3#temporalcdc} */
    public String uri() {
        List<String> hosts = new ArrayList<>();
        sentinels.forEach(s -> hosts.add("127.0.0.1:" + s.port()));
        return "redis-sentinel://" + String.join(",", hosts) + "#" + MASTER;
    }

    /** @return the port of the primary as the sentinels name it now */
    public int primaryPort() {
        for (RedisServer sentinel : sentinels) {
            try {
                List<String> address = sentinel.reply("SENTINEL get-master-addr-by-name " + MASTER);
                if (address.size() == 2 && address.get(1) != null) {
                    return Integer.parseInt(address.get(1));
                }
            } catch (StackException e) {
                LOG.debug("Sentinel {} did not answer: {}", sentinel.port(), e.getMessage());
            }
        }
        throw new StackException("no sentinel names a primary for " + MASTER);
    }

    /** @return {@code redis://127.0.0.1:P} of a data node */
    public String dataUri(int port) {
        return "redis://127.0.0.1:" + port;
    }

    /** @return the ports of the two data nodes */
    public List<Integer> dataPorts() {
        return data.stream().map(RedisServer::port).toList();
    }

    /**
     * Asks the sentinels for a failover ({@code SENTINEL FAILOVER}) until one accepts it (a sentinel refuses while it
     * sees no replica fit to promote, or a failover is in progress); returns once accepted, before it is done.
     */
    public void failover() {
        List<String> answer = List.of();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            answer = sentinels.get(0).reply("SENTINEL FAILOVER " + MASTER);
            LOG.info("SENTINEL FAILOVER {}: {}", MASTER, answer);
            if (answer.equals(List.of("OK"))) {
                return;
            }
            Procs.pause(500);
        }
        throw new StackException(
                "Redis with Sentinel: SENTINEL FAILOVER refused within " + TIMEOUT.toSeconds() + " s: " + answer);
    }

    /** Kills the current primary with SIGKILL and returns its port. */
    public int killPrimary() {
        int port = primaryPort();
        node(port).kill();
        LOG.info("Killed the Redis primary on port {} (SIGKILL)", port);
        return port;
    }

    /** Starts a stopped data node again, empty; the sentinels make it a replica of the primary. */
    public void startAgain(int port) {
        node(port).start(runDir, TIMEOUT);
        LOG.info("Redis on port {} started again", port);
    }

    /** Waits until the sentinels name a primary other than {@code oldPort}, and it accepts writes. */
    public int awaitNewPrimary(int oldPort, Duration timeout) {
        await("a primary other than " + oldPort, timeout, () -> {
            try {
                int port = primaryPort();
                return port != oldPort && role(port).equals("master");
            } catch (StackException e) {
                return false;
            }
        });
        return primaryPort();
    }

    /** Waits until the primary has {@code count} connected replicas. */
    public void awaitReplicas(int count, Duration timeout) {
        await(count + " connected replicas", timeout, () -> {
            try {
                Matcher m = CONNECTED_REPLICAS.matcher(
                        node(primaryPort()).reply("INFO replication").get(0));
                return m.find() && Integer.parseInt(m.group(1)) >= count;
            } catch (StackException e) {
                return false;
            }
        });
    }

    /** @return {@code master} or {@code slave} */
    public String role(int port) {
        return node(port).reply("ROLE").get(0);
    }

    private void awaitHealthy(Duration timeout) {
        awaitReplicas(1, timeout);
        await(
                "three sentinels that know each other",
                timeout,
                () -> sentinels.stream().allMatch(s -> {
                    try {
                        return s.reply("SENTINEL sentinels " + MASTER).size() >= 2;
                    } catch (StackException e) {
                        return false;
                    }
                }));
    }

    private RedisServer node(int port) {
        Optional<RedisServer> node =
                data.stream().filter(server -> server.port() == port).findFirst();
        return node.orElseThrow(() -> new IllegalArgumentException("no data node on port " + port));
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Procs.pause(200);
        }
        throw new StackException("Redis with Sentinel: no " + what + " within " + timeout.toSeconds() + " s");
    }

    @Override
    public void close() {
        for (RedisServer server : sentinels) {
            closeQuietly(server);
        }
        for (RedisServer server : data) {
            closeQuietly(server);
        }
    }

    private static void closeQuietly(RedisServer server) {
        try {
            server.close();
        } catch (RuntimeException e) {
            LOG.warn("{} on port {} did not stop cleanly: {}", server.name(), server.port(), e.toString());
        }
    }
}
