package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * Rollover-aware writes over the real servers (this Elasticsearch has no ILM, so the rollovers are {@code POST
 * <alias>/_rollover}, what ILM's rollover action calls): two rollovers while a writer keeps inserting runs, updating
 * runs of every earlier index and deleting some, and the alias still holds exactly one document per live run, each
 * at its last version, in the index it was first written to.
 */
class RolloverIT {
    private static final Duration WAIT = Duration.ofMinutes(2);
    private static final int FIRST_RUNS = 150;

    private final Map<String, Row> rows = new HashMap<>();
    private final Map<String, String> firstIndex = new HashMap<>();
    private final List<String> live = new ArrayList<>();
    private final Map<String, Long> expected = new HashMap<>();
    private long lsn = 1_000;

    @Test
    void shouldKeepOneDocumentPerRunInTheIndexThatHoldsItAcrossTwoRollovers() throws Exception {
        String name = Names.unique("rollover");
        LocalStack.shared().kafka().createTopic(Topics.visibilityExecutions(name), 3);
        EsTestClient es = new EsTestClient(LocalStack.shared().elasticsearch().url());
        Random random = new Random(17);
        EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
        try (KafkaProducer<byte[], byte[]> producer = IndexerTestSettings.producer();
                AutoCloseable app = VisibilityIndexerApp.start(settings(name), ctx)) {
            for (int i = 0; i < FIRST_RUNS; i++) {
                insert(producer, name, name + "_index-000001");
            }
            producer.flush();
            awaitIndexEquals(es, name);

            String second = rollover(es, name);
            assertThat(second).isEqualTo(name + "_index-000002");
            write(producer, name, random, 400, second);
            producer.flush();
            awaitIndexEquals(es, name);
            String third = rollover(es, name);
            assertThat(third).isEqualTo(name + "_index-000003");
            write(producer, name, random, 400, third);
            producer.flush();

            awaitIndexEquals(es, name);
            assertThat(ctx.failure()).isNull();
        }
        Map<String, String> held = indexOfEachDocument(es, name);
        assertThat(held).hasSize(expected.size());
        firstIndex.forEach((id, index) -> {
            if (expected.containsKey(id)) {
                assertThat(held.get(id)).as("the index of %s", id).isEqualTo(index);
            }
        });
        assertThat(firstIndex.values())
                .contains(name + "_index-000001", name + "_index-000002", name + "_index-000003");
    }

    /** {@code count} changes: a new run now and then, otherwise an update of any live run (a few deletes). */
    private void write(
            KafkaProducer<byte[], byte[]> producer, String prefix, Random random, int count, String writeIndex)
            throws Exception {
        for (int i = 0; i < count; i++) {
            int dice = random.nextInt(20);
            if (dice < 3) {
                insert(producer, prefix, writeIndex);
            } else if (dice == 3 && live.size() > 10) {
                String runId = live.remove(random.nextInt(live.size()));
                Row row = rows.get(runId);
                send(producer, prefix, row, DebeziumRecords.delete(row, at(), true));
                expected.remove(id(row));
            } else {
                Row row = rows.get(live.get(random.nextInt(live.size())));
                row.set("history_length", (Long) row.get("history_length") + 1);
                send(producer, prefix, row, DebeziumRecords.upsert("u", row, at(), true));
                expected.put(id(row), (Long) row.get("history_length"));
            }
            if (i % 50 == 0) {
                producer.flush();
                TimeUnit.MILLISECONDS.sleep(100);
            }
        }
    }

    private void insert(KafkaProducer<byte[], byte[]> producer, String prefix, String writeIndex) {
        String runId = "run-" + rows.size();
        Row row = Row.running("wf-" + runId, runId);
        rows.put(runId, row);
        live.add(runId);
        firstIndex.put(id(row), writeIndex);
        send(producer, prefix, row, DebeziumRecords.upsert("c", row, at(), true));
        expected.put(id(row), (Long) row.get("history_length"));
    }

    private At at() {
        lsn += 50;
        return new At(lsn - 10, lsn, System.currentTimeMillis());
    }

    private static String rollover(EsTestClient es, String alias) {
        EsTestClient.Answer answer = es.post("/" + alias + "/_rollover", "", "application/json");
        assertThat(answer.status()).as(answer.raw()).isEqualTo(200);
        return answer.json().path("new_index").asText();
    }

    private void awaitIndexEquals(EsTestClient es, String alias) {
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            assertThat(es.historyLengths(alias)).isEqualTo(expected);
            assertThat(es.get("/" + alias + "/_count").json().path("count").asLong())
                    .as("documents behind the alias: one per run")
                    .isEqualTo(expected.size());
        });
    }

    private static Map<String, String> indexOfEachDocument(EsTestClient es, String alias) {
        es.post("/" + alias + "/_refresh", "", "application/json");
        Map<String, String> held = new HashMap<>();
        for (JsonNode hit : es.get("/" + alias + "/_search?size=10000&_source=false")
                .json()
                .path("hits")
                .path("hits")) {
            String earlier =
                    held.put(hit.path("_id").asText(), hit.path("_index").asText());
            assertThat(earlier)
                    .as("a second document of %s", hit.path("_id").asText())
                    .isNull();
        }
        return held;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String prefix, Row row, byte[] value) {
        producer.send(new ProducerRecord<>(Topics.visibilityExecutions(prefix), DebeziumRecords.key(row, true), value));
    }

    private static String id(Row row) {
        return row.get("workflow_id") + "~" + row.get("run_id").toString().strip();
    }

    private static Map<String, String> settings(String name) {
        return IndexerTestSettings.onStack(
                name,
                name,
                name + "-app",
                "streams.consumer.auto.offset.reset",
                "earliest",
                "streams.state.dir",
                Path.of("target", "state", name).toString());
    }
}
