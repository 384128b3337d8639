package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.indexer.DebeziumRecords.At;
import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Exactness over the real servers: one change history (inserts, updates, several changes of a row in one
 * transaction, deletes) delivered with duplicates, with the indexer restarted at random points, then replayed from
 * offset 0 twice by fresh instances, always ends as an index equal to the table; and a delete outlives a late replay
 * of the row's earlier insert for {@code index.gc_deletes}, not longer.
 */
class ReplayIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int ROWS = 300;

    /** The final state of each row: its history length, or null when deleted. */
    private record History(List<byte[][]> records, Map<String, Long> expected) {}

    @Test
    void shouldEndEqualToTheTableWhateverTheDuplicatesRestartsAndReplays() throws Exception {
        String name = Names.unique("replay");
        LocalStack.shared().kafka().createTopic(Topics.visibilityExecutions(name), 6);
        History history = history(new Random(7));
        List<byte[][]> delivered = withDuplicates(history.records(), new Random(11));
        Random restarts = new Random(13);
        int[] cuts = {
            restarts.nextInt(delivered.size() / 3), delivered.size() / 3 + restarts.nextInt(delivered.size() / 3)
        };
        EsTestClient es = new EsTestClient(LocalStack.shared().elasticsearch().url());

        try (KafkaProducer<byte[], byte[]> producer = IndexerTestSettings.producer()) {
            int from = 0;
            for (int cut : new int[] {cuts[0], cuts[1], delivered.size()}) {
                EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
                try (AutoCloseable app = VisibilityIndexerApp.start(settings(name, name + "-app"), ctx)) {
                    send(producer, name, delivered.subList(from, cut));
                    // the restart comes while the indexer is still busy with what was just sent
                    TimeUnit.MILLISECONDS.sleep(restarts.nextInt(1500));
                    assertThat(ctx.failure()).isNull();
                }
                from = cut;
            }
            EmbeddedAppContext last = new EmbeddedAppContext("visibility-indexer");
            try (AutoCloseable app = VisibilityIndexerApp.start(settings(name, name + "-app"), last)) {
                awaitIndexEquals(es, name, history.expected());
            }
            for (String replay : List.of(name + "-replay-1", name + "-replay-2")) {
                EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
                try (AutoCloseable app = VisibilityIndexerApp.start(settings(name, replay), ctx)) {
                    awaitCaughtUp(name, replay);
                    assertThat(ctx.failure()).isNull();
                    assertThat(ctx.registry()
                                    .get("visibility.indexer.replayed.writes")
                                    .counter()
                                    .count())
                            .as("the replay rewrote documents Elasticsearch already had")
                            .isPositive();
                }
                awaitIndexEquals(es, name, history.expected());
            }
        }
    }

    @Test
    void shouldKeepADeletedDocumentDeletedAgainstALateReplayWithinGcDeletesButNotAfter() throws Exception {
        String name = Names.unique("gc-deletes");
        EsTestClient es = new EsTestClient(LocalStack.shared().elasticsearch().url());
        Row row = Row.running("wf-gc", "run-gc");
        String id = "wf-gc~run-gc";
        byte[] key = DebeziumRecords.key(row, true);
        byte[] insert = DebeziumRecords.upsert("c", row, new At(90, 100, System.currentTimeMillis()), true);
        EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
        try (KafkaProducer<byte[], byte[]> producer = IndexerTestSettings.producer();
                AutoCloseable app =
                        VisibilityIndexerApp.start(settings(name, name + "-app", "index.gc.deletes", "3s"), ctx)) {
            send(producer, name, one(key, insert));
            await().atMost(WAIT).until(() -> es.document(name, id) != null);
            send(
                    producer,
                    name,
                    one(key, DebeziumRecords.delete(row, new At(190, 200, System.currentTimeMillis()), true)));
            await().atMost(WAIT).until(() -> es.document(name, id) == null);

            // inside the bound: the replayed insert is older than the remembered delete
            send(producer, name, one(key, insert));
            await().atMost(WAIT)
                    .until(() -> ctx.registry()
                                            .get("visibility.indexer.replayed.writes")
                                            .counter()
                                            .count()
                                    + ctx.registry()
                                            .get("visibility.indexer.stale.writes")
                                            .counter()
                                            .count()
                            >= 1);
            assertThat(es.document(name, id)).isNull();

            // past the bound Elasticsearch has forgotten the delete's version: a replay brings the document back
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                es.post("/" + name + "/_refresh", "", "application/json");
                send(producer, name, one(key, insert));
                TimeUnit.MILLISECONDS.sleep(500);
                assertThat(es.document(name, id)).isNotNull();
            });
        }
    }

    private static Map<String, String> settings(String name, String applicationId, String... extra) {
        List<String> all = new ArrayList<>(List.of(
                "streams.consumer.auto.offset.reset",
                "earliest",
                "streams.state.dir",
                Path.of("target", "state", applicationId).toString()));
        all.addAll(List.of(extra));
        return IndexerTestSettings.onStack(name, name, applicationId, all.toArray(String[]::new));
    }

    /**
     * A history in commit order: rows are inserted, updated one to four times (sometimes twice in one transaction),
     * and a fifth of them deleted (the delete followed by its tombstone).
     */
    private static History history(Random random) {
        List<byte[][]> records = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>();
        Map<String, Row> rows = new HashMap<>();
        long lsn = 1_000;
        long lastCommit = 900;
        List<String> live = new ArrayList<>();
        for (int step = 0; step < ROWS * 4; step++) {
            long commit = lastCommit;
            int changes = random.nextInt(4) == 0 ? 2 : 1;
            String runId = live.isEmpty() || (rows.size() < ROWS && random.nextInt(3) == 0)
                    ? "run-" + rows.size()
                    : live.get(random.nextInt(live.size()));
            for (int c = 0; c < changes; c++) {
                lsn += 50;
                Row row = rows.get(runId);
                if (row == null) {
                    row = Row.running("wf-" + runId, runId);
                    rows.put(runId, row);
                    live.add(runId);
                    records.add(record(row, DebeziumRecords.upsert("c", row, new At(commit, lsn, 1L), true)));
                } else if (random.nextInt(10) == 0 && c == changes - 1) {
                    records.add(record(row, DebeziumRecords.delete(row, new At(commit, lsn, 1L), true)));
                    records.add(record(row, null));
                    live.remove(runId);
                    expected.remove(id(row));
                    rows.put(runId, null);
                    break;
                } else {
                    row.set("history_length", (Long) row.get("history_length") + 1);
                    records.add(record(row, DebeziumRecords.upsert("u", row, new At(commit, lsn, 1L), true)));
                }
                expected.put(id(row), (Long) row.get("history_length"));
            }
            lastCommit = lsn + 10;
            if (live.isEmpty() && rows.size() >= ROWS) {
                break;
            }
        }
        return new History(records, expected);
    }

    /** Every ~50 records a slice of earlier ones is sent again, as a source that resumes from an older offset does. */
    private static List<byte[][]> withDuplicates(List<byte[][]> records, Random random) {
        List<byte[][]> delivered = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            delivered.add(records.get(i));
            if (i > 60 && i % 50 == 0) {
                int from = i - 20 - random.nextInt(40);
                delivered.addAll(records.subList(from, from + 20));
            }
        }
        return delivered;
    }

    private static List<byte[][]> one(byte[] key, byte[] value) {
        List<byte[][]> records = new ArrayList<>();
        records.add(new byte[][] {key, value});
        return records;
    }

    private static byte[][] record(Row row, byte[] value) {
        return new byte[][] {DebeziumRecords.key(row, true), value};
    }

    private static String id(Row row) {
        return row.get("workflow_id") + "~" + row.get("run_id").toString().strip();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String prefix, List<byte[][]> records)
            throws Exception {
        for (byte[][] record : records) {
            producer.send(new ProducerRecord<>(Topics.visibilityExecutions(prefix), record[0], record[1]));
        }
        producer.flush();
    }

    private static void awaitIndexEquals(EsTestClient es, String index, Map<String, Long> expected) {
        await().atMost(WAIT)
                .pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(es.historyLengths(index)).isEqualTo(expected));
    }

    /** Both of the app's consumer groups have committed the end of every topic they read. */
    private static void awaitCaughtUp(String prefix, String applicationId) {
        String bootstrap = LocalStack.shared().kafka().bootstrapServers();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(lag(
                                admin,
                                applicationId,
                                Set.of(
                                        Topics.visibilityExecutions(prefix),
                                        applicationId + "-row-changes-repartition")))
                        .isZero();
                assertThat(lag(admin, applicationId + "-sink", Set.of(Topics.visibilityDocuments(prefix))))
                        .isZero();
            });
        }
    }

    private static long lag(Admin admin, String group, Set<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(topics)
                .allTopicNames()
                .get()
                .forEach((topic, description) -> description
                        .partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest())));
        var ends = admin.listOffsets(latest).all().get();
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get();
        long lag = 0;
        for (var end : ends.entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += end.getValue().offset() - (done == null ? 0 : done.offset());
        }
        return lag;
    }
}
