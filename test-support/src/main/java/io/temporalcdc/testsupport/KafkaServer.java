package io.temporalcdc.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft Kafka broker in its own JVM (classpath recorded at build time), formatted
 * with {@code kafka.tools.StorageTool format} and run with {@code kafka.Kafka server.properties}.
 */
final class KafkaServer implements Kafka, Server {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaServer.class);
    private static final List<String> JVM_ARGS =
            List.of("-Xms128m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    private final Path dir;
    private final Path logFile;
    private final Path properties;
    private final int brokerPort;
    private final int controllerPort;
    private volatile Process process;
    private volatile Admin admin;
    /** A close() during the storage format waits for the broker's launch, so it can stop it. */
    private final Launch launch = new Launch();

    KafkaServer(Path runDir) {
        this(runDir, Ports.free(), Ports.free());
    }

    /** A broker on known ports: one to start, or one another process started (then never started here). */
    KafkaServer(Path runDir, int brokerPort, int controllerPort) {
        this.dir = runDir.resolve("kafka");
        this.logFile = dir.resolve("kafka.log");
        this.properties = dir.resolve("server.properties");
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    int controllerPort() {
        return controllerPort;
    }

    @Override
    public String name() {
        return "Kafka";
    }

    @Override
    public String endpoint() {
        return bootstrapServers();
    }

    @Override
    public void start(Path runDir, Duration timeout) {
        launch.begin();
        try {
            Files.createDirectories(dir);
            Files.writeString(properties, serverProperties());
            if (!Files.exists(dir.resolve("data").resolve("meta.properties"))) {
                // a restart on the same data keeps it: only a new log dir is formatted
                Procs.run(
                        "Kafka storage format",
                        java(
                                "kafka.tools.StorageTool",
                                "format",
                                "-t",
                                Uuid.randomUuid().toString(),
                                "-c",
                                properties.toString()),
                        Map.of(),
                        dir.resolve("format.log"),
                        timeout);
            }
            process = BrokerJvm.start(java("kafka.Kafka", properties.toString()), dir);
        } catch (IOException e) {
            throw new StackException("Kafka could not be started in " + dir + ": " + e, e);
        } finally {
            launch.done();
        }
        new PidRecord(process.pid(), properties.toString()).write(runDir, "kafka");
        admin();
        Readiness.await(this, timeout, this::answers);
    }

    @Override
    public void close() {
        launch.awaitIfStarted(Duration.ofSeconds(60));
        Admin current = admin;
        if (current != null) {
            current.close(Duration.ofSeconds(5));
            admin = null;
        }
        Process running = process;
        if (running != null) {
            process = null;
            Procs.stop(name(), running.pid(), Duration.ofSeconds(30));
        }
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + brokerPort;
    }

    @Override
    public void createTopic(String name, int partitions) {
        try {
            admin().createTopics(List.of(new NewTopic(name, partitions, (short) 1)))
                    .all()
                    .get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new StackException("Kafka could not create topic " + name + ": " + e.getCause(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new StackException("Kafka did not create topic " + name + " within 30 s; see " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while creating topic " + name, e);
        }
    }

    @Override
    public Path logFile() {
        return logFile;
    }

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminProperties());
        }
        return admin;
    }

    private boolean answers() {
        Readiness.requireAlive(this, process);
        try {
            return !admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            LOG.trace("Kafka not ready yet: {}", e.toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for Kafka", e);
        }
    }

    private List<String> java(String mainClass, String... args) throws IOException {
        return BrokerJvm.command(dir, logFile, JVM_ARGS, mainClass, args);
    }

    private Properties adminProperties() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "tcdc-local-stack");
        return props;
    }

    private String serverProperties() {
        return String.join(
                "\n",
                "# written by temporal-cdc test-support: one KRaft node, replication factor 1 everywhere",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPort,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "auto.create.topics.enable=true",
                "num.partitions=1",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=10",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=10",
                "share.coordinator.state.topic.replication.factor=1",
                "share.coordinator.state.topic.min.isr=1",
                "group.initial.rebalance.delay.ms=0",
                "num.network.threads=2",
                "num.io.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "");
    }
}
