package io.temporalcdc.invalidator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.lettuce.core.api.sync.RedisCommands;
import io.temporalcdc.invalidator.reader.CacheScripts;
import io.temporalcdc.invalidator.reader.Lsn;
import io.temporalcdc.invalidator.redis.RedisConnector;
import io.temporalcdc.runtime.DeadLetters;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.RedisKeys;
import io.temporalcdc.schemas.TaskQueueIds;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The invalidator app (the production start-up, in this JVM) over the stack's real Kafka, PostgreSQL and Redis, fed
 * with change records as Debezium writes them. One app for the class, on a unique topic prefix; each test uses its
 * own namespace.
 */
class CacheInvalidatorIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String PREFIX = Names.unique("inv-it");

    private static EmbeddedAppContext ctx;
    private static AutoCloseable app;
    private static KafkaProducer<byte[], byte[]> producer;
    private static RedisConnector redis;
    private static RedisCommands<String, String> commands;

    @BeforeAll
    static void start() throws Exception {
        LocalStack stack = LocalStack.shared();
        producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer());
        redis = RedisConnector.connect(stack.redis().uri(), null);
        commands = redis.connection().sync();
        ctx = new EmbeddedAppContext("cache-invalidator");
        app = CacheInvalidatorApp.start(InvalidatorTestSettings.onStack(PREFIX, Names.unique("inv-it-app")), ctx);
        await().atMost(WAIT).until(ctx::isReady);
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (producer != null) {
            producer.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static void send(String table, byte[] value) throws Exception {
        String topic = table.startsWith("visibility.")
                ? Topics.visibilityExecutions(PREFIX)
                : Topics.table(PREFIX, Topics.TEMPORAL_SCHEMA, table);
        producer.send(new ProducerRecord<>(topic, Changes.key("{}"), value)).get();
    }

    private static long primaryPosition() throws Exception {
        try (Connection connection = LocalStack.shared().postgres().connect()) {
            return io.temporalcdc.invalidator.reader.CacheAside.readVersion(connection);
        }
    }

    @Test
    void shouldInvalidateTheKeysOfChangedRowsOfEveryTableAndLeaveTheOthers() throws Exception {
        String ns = Names.unique("ns");
        List<String> changed = new ArrayList<>();
        for (String table : InvalidationRules.WORKFLOW_TABLES) {
            changed.add(RedisKeys.workflowMeta(ns, "wf-" + table));
        }
        changed.add(RedisKeys.workflowMeta(ns, "wf-visibility"));
        changed.add(RedisKeys.taskQueueInfo(ns, "orders", TaskQueueIds.ACTIVITY));
        String untouched = RedisKeys.workflowMeta(ns, "untouched");
        for (String key : changed) {
            commands.setex(key, 600, "cached");
        }
        commands.setex(untouched, 600, "cached");
        long before = primaryPosition();

        for (String table : InvalidationRules.WORKFLOW_TABLES) {
            send(table, Changes.create(Changes.workflowRow(ns, "wf-" + table, Map.of()), System.currentTimeMillis()));
        }
        send(
                "visibility.executions",
                Changes.change(
                        "u",
                        null,
                        Changes.workflowRow(ns, "wf-visibility", Map.of("status", 2)),
                        System.currentTimeMillis()));
        send(
                "tasks",
                Changes.delete(Changes.taskRow(ns, "orders", TaskQueueIds.ACTIVITY, 1), System.currentTimeMillis()));

        await().atMost(WAIT).untilAsserted(() -> {
            for (String key : changed) {
                assertThat(commands.exists(key)).as(key).isZero();
                String fence = commands.get(CacheScripts.fenceKey(key));
                assertThat(fence).as("fence of " + key).isNotNull();
                assertThat(Lsn.fromHex(fence)).isGreaterThanOrEqualTo(before);
            }
        });
        assertThat(commands.get(untouched)).isEqualTo("cached");
        assertThat(commands.exists(CacheScripts.fenceKey(untouched))).isZero();
        String metrics = ctx.registry().scrape();
        assertThat(metrics).contains("cache_invalidator_commit_to_invalidated_seconds{quantile=\"0.99\"}");
        assertThat(metrics).contains("cache_invalidator_redis_seconds_bucket");
    }

    @Test
    void shouldInvalidateEveryChangedWorkflowOfAThousandsStrongWorkloadAndKeepTheUntouchedOnes() throws Exception {
        try (ChangeStream stream = new ChangeStream(PREFIX, Names.unique("ns"), 4_000, ChangeStream.Order.RANDOM)) {
            for (String key : stream.keys()) {
                commands.setex(key, 600, "cached");
            }
            for (int burst = 0; burst < 8; burst++) {
                stream.sendBurst(1_000);
            }

            await().atMost(WAIT).untilAsserted(() -> stream.assertEveryChangeInvalidated(commands));
            List<String> untouched = new ArrayList<>(stream.keys());
            untouched.removeAll(stream.changedKeys());
            assertThat(stream.changedKeys()).hasSizeGreaterThan(3_000);
            assertThat(untouched).hasSizeGreaterThan(50);
            for (String key : untouched) {
                assertThat(commands.get(key)).as(key).isEqualTo("cached");
            }
        }
    }

    @Test
    void shouldDeadLetterAPoisonChangeWithItsReasonAndInvalidateTheGoodOnesAroundIt() throws Exception {
        String ns = Names.unique("ns");
        String first = RedisKeys.workflowMeta(ns, "first");
        String last = RedisKeys.workflowMeta(ns, "last");
        commands.setex(first, 600, "cached");
        commands.setex(last, 600, "cached");
        byte[] poison = Changes.create(
                Changes.workflowRow(ns, "x", Map.of()).put("workflow_id", 42), System.currentTimeMillis());

        send("executions", Changes.create(Changes.workflowRow(ns, "first", Map.of()), System.currentTimeMillis()));
        send("executions", poison);
        send("executions", Changes.create(Changes.workflowRow(ns, "last", Map.of()), System.currentTimeMillis()));

        await().atMost(WAIT)
                .untilAsserted(() -> assertThat(commands.exists(first, last)).isZero());
        List<ConsumerRecord<byte[], byte[]>> dead = deadLetters();
        assertThat(dead).anySatisfy(record -> {
            assertThat(record.value()).isEqualTo(poison);
            assertThat(new String(
                            record.headers().lastHeader(DeadLetters.REASON).value(), StandardCharsets.UTF_8))
                    .isEqualTo("unmappable: workflow_id is NUMBER, expected text");
            assertThat(new String(
                            record.headers()
                                    .lastHeader(DeadLetters.SOURCE_TOPIC)
                                    .value(),
                            StandardCharsets.UTF_8))
                    .isEqualTo(Topics.table(PREFIX, "temporal", "executions"));
        });
        assertThat(ctx.isReady()).isTrue();
    }

    private static List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        LocalStack.shared().kafka().bootstrapServers(),
                        ConsumerConfig.GROUP_ID_CONFIG,
                        Names.unique("dlq-reader"),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.cacheInvalidatorDlq(PREFIX)));
            await().atMost(WAIT).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
                return !records.isEmpty();
            });
        }
        return records;
    }
}
