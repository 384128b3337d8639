package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MirrorMaker 2 in dedicated mode ({@code org.apache.kafka.connect.mirror.MirrorMaker}, {@code connect-mirror} of the
 * project's Kafka version) in its own JVM, mirroring the topics matching a pattern between named Kafka clusters in
 * both directions, under its default replication policy: topic {@code t} of cluster {@code a} appears in every other
 * cluster as {@code a.t}, headers kept. Topics are looked for every 2 s. {@link #stop()} and {@link #start()} make an
 * outage (it resumes from the offsets it stored in the target clusters); closing stops it.
 */
public final class MirrorMaker2 implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MirrorMaker2.class);

    private final Path dir;
    private final Path logFile;
    private final Path properties;
    private volatile Process process;

    private MirrorMaker2(Path dir) {
        this.dir = dir;
        this.logFile = dir.resolve("mirror-maker.log");
        this.properties = dir.resolve("mm2.properties");
    }

    /**
     * Writes {@code mm2.properties} in a new run dir under {@code base} and starts MirrorMaker 2.
     *
     * @param clusters cluster alias (e.g. a region) → its bootstrap servers; every alias mirrors to every other
     * @param topics the topics to mirror, a Java regular expression (MirrorMaker's {@code topics})
     */
    public static MirrorMaker2 start(Path base, Map<String, String> clusters, String topics) {
        if (clusters.size() < 2) {
            throw new IllegalArgumentException("MirrorMaker 2 needs two clusters or more, got " + clusters.keySet());
        }
        MirrorMaker2 mirror = new MirrorMaker2(OwnServers.newRunDir(base).resolve("mirror-maker"));
        try {
            Files.createDirectories(mirror.dir);
            Files.writeString(mirror.properties, properties(new LinkedHashMap<>(clusters), topics));
            mirror.start();
            return mirror;
        } catch (IOException e) {
            throw new StackException("MirrorMaker 2 could not be configured in " + mirror.dir + ": " + e, e);
        }
    }

    static String properties(Map<String, String> clusters, String topics) {
        List<String> lines = new ArrayList<>();
        lines.add("# written by temporal-cdc test-support: MirrorMaker 2, every cluster to every other");
        lines.add("clusters = " + String.join(", ", clusters.keySet()));
        clusters.forEach((alias, bootstrap) -> lines.add(alias + ".bootstrap.servers = " + bootstrap));
        for (String source : clusters.keySet()) {
            for (String target : clusters.keySet()) {
                if (!source.equals(target)) {
                    lines.add(source + "->" + target + ".enabled = true");
                    lines.add(source + "->" + target + ".topics = " + topics);
                }
            }
        }
        for (String factor : List.of(
                "replication.factor",
                "checkpoints.topic.replication.factor",
                "heartbeats.topic.replication.factor",
                "offset-syncs.topic.replication.factor",
                "offset.storage.replication.factor",
                "status.storage.replication.factor",
                "config.storage.replication.factor")) {
            lines.add(factor + " = 1");
        }
        lines.add("refresh.topics.interval.seconds = 2");
        lines.add("refresh.groups.interval.seconds = 10");
        lines.add("emit.checkpoints.enabled = false");
        lines.add("sync.group.offsets.enabled = false");
        lines.add("sync.topic.acls.enabled = false");
        lines.add("offset.flush.interval.ms = 1000");
        return String.join("\n", lines) + "\n";
    }

    /** Starts the process (again, after {@link #stop()}), with the same configuration. */
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            List<String> command = BrokerJvm.command(
                    dir,
                    logFile,
                    BrokerJvm.SMALL,
                    "org.apache.kafka.connect.mirror.MirrorMaker",
                    properties.toString());
            process = BrokerJvm.start(command, dir);
        } catch (IOException e) {
            throw new StackException("MirrorMaker 2 could not be started in " + dir + ": " + e, e);
        }
        LOG.info("MirrorMaker 2 started (pid {}, {})", process.pid(), properties);
    }

    /** Stops the process (SIGTERM, SIGKILL after 30 s); {@link #start()} resumes. */
    public synchronized void stop() {
        Process running = process;
        if (running != null) {
            process = null;
            Procs.stop("MirrorMaker 2", running.pid(), Duration.ofSeconds(30));
            LOG.info("MirrorMaker 2 stopped");
        }
    }

    /** @return whether the process runs (it exits on a configuration it cannot use: see {@link #logFile()}) */
    public boolean isAlive() {
        Process running = process;
        return running != null && running.isAlive();
    }

    /** Its log (log4j2), and {@code stdout.log} beside it. */
    public Path logFile() {
        return logFile;
    }

    @Override
    public void close() {
        stop();
    }
}
