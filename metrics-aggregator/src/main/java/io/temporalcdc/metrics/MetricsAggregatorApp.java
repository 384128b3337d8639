package io.temporalcdc.metrics;

import io.temporalcdc.runtime.App;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.KafkaTopics;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.PreflightException;
import io.temporalcdc.runtime.streams.StreamsAppKeys;
import io.temporalcdc.runtime.streams.StreamsErrorHandling;
import io.temporalcdc.runtime.streams.StreamsRunner;
import io.temporalcdc.schemas.Topics;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics aggregator deployable: the {@link MetricsAggregatorTopology} in Kafka Streams (exactly-once), its
 * state served by the {@link MetricsApi} on the app's HTTP port next to {@code /health} and {@code /metrics}.
 */
public final class MetricsAggregatorApp {
    /** Default port of the API, {@code /health} and {@code /metrics}. */
    public static final int DEFAULT_HTTP_PORT = 8085;

    private static final Logger LOG = LoggerFactory.getLogger(MetricsAggregatorApp.class);
    private static final Duration KAFKA_PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);

    private MetricsAggregatorApp() {}

    public static void main(String[] args) {
        App.run(
                "metrics-aggregator",
                args,
                MetricsAggregatorConfig.DEF,
                DEFAULT_HTTP_PORT,
                MetricsAggregatorApp::start);
    }

    /** The {@link App.Starter}: returns what closes the running aggregator. */
    public static AutoCloseable start(Map<String, String> settings, AppContext ctx) throws Exception {
        MetricsAggregatorConfig config = new MetricsAggregatorConfig(settings);
        Preflight.kafka(
                MetricsAggregatorConfig.KAFKA_BOOTSTRAP_SERVERS,
                config.kafkaClientProperties(),
                KAFKA_PREFLIGHT_TIMEOUT);
        String prefix = config.getString(MetricsAggregatorConfig.TOPIC_PREFIX);
        refuseFormerState(config);
        Preflight.check(MetricsAggregatorConfig.TOPIC_PREFIX, "preparing the topics", () -> {
            KafkaTopics.ensure(config.kafkaClientProperties(), topics(config));
            return null;
        });
        // the groups' partitions are the change topic's (the repartition topic is made with as many)
        int partitions = Preflight.check(
                MetricsAggregatorConfig.TOPIC_PREFIX,
                "reading the partitions of " + Topics.visibilityExecutions(prefix),
                () -> KafkaTopics.partitions(config.kafkaClientProperties(), Topics.visibilityExecutions(prefix)));
        HostInfo self = new HostInfo(advertisedHost(config, settings), ctx.httpPort());
        AggregatorMetrics metrics = new AggregatorMetrics(ctx.registry());
        int windowDays = config.getInt(MetricsAggregatorConfig.WINDOW_DAYS);
        Map<String, Object> props = config.streamsProperties(self.host() + ":" + self.port());
        StreamsErrorHandling.configure(
                props,
                Topics.metricsAggregatorDlq(prefix),
                List.of(Topics.workflowMetrics(prefix)),
                metrics.deadLetters(),
                metrics.productionErrors());
        StreamsRunner runner = StreamsRunner.create(
                MetricsAggregatorTopology.build(
                        new MetricsAggregatorTopology.Settings(
                                prefix,
                                windowDays,
                                config.duration(MetricsAggregatorConfig.ROLLING_INTERVAL),
                                config.versionEpochs(),
                                metrics),
                        // only the columns the metrics read: memos and search attributes stay unbuilt
                        StreamsAppKeys.decoder(config, RunRow.COLUMNS, ctx.registry())),
                props,
                ctx);
        MetricsApi api = new MetricsApi(
                runner.streams(),
                self,
                partitions,
                windowDays,
                System::currentTimeMillis,
                config.duration(MetricsAggregatorConfig.QUERY_TIMEOUT));
        AutoCloseable running = () -> {
            try {
                runner.close();
            } finally {
                api.close();
            }
        };
        try {
            ctx.route(MetricsApi.PATH, api);
            runner.start();
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
        LOG.info(
                "Aggregating {} into {} over {} days (API {} at {}; dead letters: {})",
                Topics.visibilityExecutions(prefix),
                Topics.workflowMetrics(prefix),
                windowDays,
                MetricsApi.PATH,
                self,
                Topics.metricsAggregatorDlq(prefix));
        return running;
    }

    /**
     * Refuses an {@code application.id} whose state this version would count again: the {@code runs} store of an
     * earlier version (keyed by the records' key bytes, which this version no longer reads), or days counted (a
     * {@code groups} changelog that was written to) without the runs they were counted from. Either way each run
     * would be counted a second time at its next change.
     */
    static void refuseFormerState(MetricsAggregatorConfig config) {
        String applicationId = config.getString(MetricsAggregatorConfig.APPLICATION_ID);
        String former = changelog(applicationId, MetricsAggregatorTopology.FORMER_RUNS_STORE);
        String runs = changelog(applicationId, MetricsAggregatorTopology.RUNS_STORE);
        String groups = changelog(applicationId, MetricsAggregatorTopology.GROUPS_STORE);
        String problem = Preflight.check(
                MetricsAggregatorConfig.KAFKA_BOOTSTRAP_SERVERS, "looking for the state of an earlier version", () -> {
                    Set<String> topics = KafkaTopics.names(config.kafkaClientProperties());
                    if (topics.contains(former)) {
                        return "holds the runs of an earlier version (topic " + former + ", keyed by the records' key"
                                + " bytes, which this version no longer reads)";
                    }
                    if (topics.contains(groups)
                            && !topics.contains(runs)
                            && KafkaTopics.endOffsets(config.kafkaClientProperties(), groups) > 0) {
                        return "holds days counted (topic " + groups + ") but not the runs they were counted from"
                                + " (no topic " + runs + ")";
                    }
                    return null;
                });
        if (problem != null) {
            throw new PreflightException(
                    MetricsAggregatorConfig.APPLICATION_ID,
                    "application.id " + applicationId + " " + problem + ": each run would be counted again. Stop its"
                            + " instances, then rebuild the metrics under a new application.id, or reset this one"
                            + " (kafka-streams-application-reset, which deletes its internal topics) and delete the"
                            + " instances' local state directories (see the metrics-aggregator README, \"Rebuilding\")",
                    null);
        }
    }

    /** Kafka Streams' name of a store's changelog topic. */
    private static String changelog(String applicationId, String store) {
        return applicationId + "-" + store + "-changelog";
    }

    /**
     * {@code http.advertised.host}, else {@code http.host} unless a wildcard, else the local address of the route to
     * the first Kafka bootstrap server (the network the instances share; not the host name, which Debian's /etc/hosts
     * resolves to a loopback address), else the first non-loopback IPv4 address, else the loopback address with a
     * warning: other instances cannot reach this one there.
     */
    static String advertisedHost(MetricsAggregatorConfig config, Map<String, String> settings) throws SocketException {
        String advertised =
                config.getString(MetricsAggregatorConfig.HTTP_ADVERTISED_HOST).trim();
        if (!advertised.isEmpty()) {
            return advertised;
        }
        String bound = settings.getOrDefault(App.HTTP_HOST, "0.0.0.0").trim();
        if (!bound.isEmpty() && !bound.equals("0.0.0.0") && !bound.equals("::") && !bound.equals("[::]")) {
            return bound;
        }
        String bootstrap = config.getString(MetricsAggregatorConfig.KAFKA_BOOTSTRAP_SERVERS)
                .split(",")[0]
                .trim();
        int colon = bootstrap.lastIndexOf(':');
        if (colon > 0) {
            try (DatagramSocket socket = new DatagramSocket()) {
                // no packet is sent: connecting a UDP socket only picks the route
                socket.connect(
                        InetAddress.getByName(
                                bootstrap.substring(0, colon).replace("[", "").replace("]", "")),
                        Integer.parseInt(bootstrap.substring(colon + 1)));
                InetAddress local = socket.getLocalAddress();
                if (local != null && !local.isAnyLocalAddress()) {
                    LOG.info(
                            "Advertising {} to the other instances (the route to {})",
                            local.getHostAddress(),
                            bootstrap);
                    return local.getHostAddress();
                }
            } catch (IOException | NumberFormatException e) {
                LOG.debug("No route to {} to take the advertised address from: {}", bootstrap, e.toString());
            }
        }
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!nic.isUp() || nic.isLoopback()) {
                continue;
            }
            for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                if (address instanceof Inet4Address && !address.isLoopbackAddress() && !address.isLinkLocalAddress()) {
                    return address.getHostAddress();
                }
            }
        }
        LOG.warn(
                "No non-loopback address found: advertising 127.0.0.1, which instances on other hosts cannot reach;"
                        + " set {}",
                MetricsAggregatorConfig.HTTP_ADVERTISED_HOST);
        return "127.0.0.1";
    }

    /**
     * The topics the aggregator reads and writes, as it creates them when missing: the change topic with
     * cdc-source's spec (compacted), the output topic compacted (a day's latest row is all that matters), the
     * dead-letter topic.
     */
    static List<KafkaTopics.Spec> topics(MetricsAggregatorConfig config) {
        String prefix = config.getString(MetricsAggregatorConfig.TOPIC_PREFIX);
        Optional<Integer> partitions = Optional.of(config.getInt(MetricsAggregatorConfig.TOPIC_PARTITIONS));
        Optional<Short> replication = Optional.of(config.getShort(MetricsAggregatorConfig.TOPIC_REPLICATION_FACTOR));
        Map<String, String> compact = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        return List.of(
                new KafkaTopics.Spec(Topics.visibilityExecutions(prefix), partitions, replication, compact),
                new KafkaTopics.Spec(Topics.workflowMetrics(prefix), partitions, replication, compact),
                new KafkaTopics.Spec(Topics.metricsAggregatorDlq(prefix), Optional.empty(), replication, Map.of()));
    }
}
