package io.temporalcdc.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics an app needs when they do not exist yet, with the partitions, replication factor and configs
 * it asks for. A topic that exists is used as it is; where its partitions or configs differ from what was asked, a
 * warning names each difference (changing a live topic is the operator's decision).
 */
public final class KafkaTopics {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
    private static final long TIMEOUT_SECONDS = 15;

    private KafkaTopics() {}

    /**
     * One topic as the app wants it.
     *
     * @param name the topic
     * @param partitions partitions, or empty for the broker's default
     * @param replicationFactor replication factor, or empty (or -1) for the broker's default
     * @param configs topic configs, e.g. {@code cleanup.policy=compact}
     */
    public record Spec(
            String name, Optional<Integer> partitions, Optional<Short> replicationFactor, Map<String, String> configs) {
        public Spec {
            configs = Map.copyOf(configs);
            replicationFactor = replicationFactor.filter(rf -> rf > 0);
        }
    }

    /** @return how many partitions {@code topic} has */
    public static int partitions(Map<String, Object> adminProps, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminProps)) {
            return admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic)
                    .partitions()
                    .size();
        }
    }

    /** @return the names of the cluster's topics (internal ones excluded) */
    public static Set<String> names(Map<String, Object> adminProps)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminProps)) {
            return admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** @return the sum of {@code topic}'s end offsets: 0 when nothing was ever written to it */
    public static long endOffsets(Map<String, Object> adminProps, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminProps)) {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            description
                    .partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    /** Creates what is missing, warns about what differs; returns the names of the topics it created. */
    public static List<String> ensure(Map<String, Object> adminProps, Collection<Spec> specs)
            throws ExecutionException, InterruptedException, TimeoutException {
        try (Admin admin = Admin.create(adminProps)) {
            Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<Spec> present = new ArrayList<>();
            for (Spec spec : specs) {
                if (existing.contains(spec.name())) {
                    present.add(spec);
                } else {
                    missing.add(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
                            .configs(spec.configs()));
                }
            }
            List<String> created = new ArrayList<>();
            admin.createTopics(missing).values().forEach((topic, future) -> {
                if (await(topic, future)) {
                    created.add(topic);
                }
            });
            awaitVisible(admin, created);
            warnAboutDifferences(admin, present);
            return created;
        }
    }

    /**
     * Waits until the brokers' metadata lists the topics just created: a client that asks right after the controller
     * created them (Kafka Streams assigning its source topics) may otherwise be told they are missing.
     */
    private static void awaitVisible(Admin admin, List<String> created)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!created.isEmpty()) {
            Set<String> listed = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (listed.containsAll(created)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("topics created but not in the brokers' metadata within " + TIMEOUT_SECONDS
                        + " s: "
                        + created.stream().filter(t -> !listed.contains(t)).toList());
            }
            Thread.sleep(100);
        }
    }

    private static boolean await(String topic, KafkaFuture<Void> future) {
        try {
            future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.info("Created topic {}", topic);
            return true;
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause(), e.getCause());
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("creating topic " + topic + " timed out", e);
        }
    }

    private static void warnAboutDifferences(Admin admin, List<Spec> present)
            throws ExecutionException, InterruptedException, TimeoutException {
        if (present.isEmpty()) {
            return;
        }
        List<String> names = present.stream().map(Spec::name).toList();
        Map<String, TopicDescription> descriptions =
                admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                        .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                        .toList())
                .all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        for (Spec spec : present) {
            for (String difference : differences(
                    spec,
                    descriptions.get(spec.name()).partitions().size(),
                    configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name())))) {
                LOG.warn("Topic {} exists and is used as it is, but {}", spec.name(), difference);
            }
        }
    }

    /** @return each way the existing topic differs from {@code spec} */
    static List<String> differences(Spec spec, int partitions, Config config) {
        List<String> differences = new ArrayList<>();
        spec.partitions().ifPresent(wanted -> {
            if (wanted != partitions) {
                differences.add("it has " + partitions + " partitions, not " + wanted);
            }
        });
        Map<String, String> actual = new HashMap<>();
        if (config != null) {
            for (ConfigEntry entry : config.entries()) {
                actual.put(entry.name(), entry.value());
            }
        }
        spec.configs().forEach((key, wanted) -> {
            String value = actual.get(key);
            if (!wanted.equals(value)) {
                differences.add(key + " is " + value + ", not " + wanted);
            }
        });
        return differences;
    }
}
