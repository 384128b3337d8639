package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.temporalcdc.indexer.DebeziumRecords.Row;
import io.temporalcdc.runtime.EmbeddedAppContext;
import io.temporalcdc.schemas.Topics;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A write Elasticsearch refuses for a reason that is not the record's fault (here: the write alias was
 * removed) fails the app instead of skipping the record; the restarted app (same application id) repairs
 * the alias at start-up and indexes the record, because its offset was never committed.
 */
class IndexerRestartIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void shouldFailOnFatalWriteErrorAndIndexTheRecordAfterRestart() throws Exception {
        LocalStack stack = LocalStack.shared();
        String topicPrefix = Names.unique("restart");
        String indexPrefix = Names.unique("restart");
        Map<String, String> settings =
                IndexerTestSettings.onStack(topicPrefix, indexPrefix, Names.unique("restart-app"));
        stack.kafka().createTopic(Topics.visibilityExecutions(topicPrefix), 1);
        EsTestClient es = new EsTestClient(stack.elasticsearch().url());
        Row first = Row.running("wf-" + UUID.randomUUID(), UUID.randomUUID().toString());
        Row second = Row.running("wf-" + UUID.randomUUID(), UUID.randomUUID().toString());

        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers()),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            EmbeddedAppContext ctx = new EmbeddedAppContext("visibility-indexer");
            try (AutoCloseable app = VisibilityIndexerApp.start(settings, ctx)) {
                send(producer, topicPrefix, first, 10);
                await().atMost(WAIT)
                        .untilAsserted(() ->
                                assertThat(es.document(indexPrefix, id(first))).isNotNull());
                assertThat(es.post(
                                        "/_aliases",
                                        "{\"actions\":[{\"remove\":{\"index\":\"" + indexPrefix
                                                + "_index-000001\",\"alias\":\"" + indexPrefix + "\"}}]}",
                                        "application/json")
                                .status())
                        .isEqualTo(200);

                send(producer, topicPrefix, second, 20);

                await().atMost(WAIT)
                        .untilAsserted(() -> assertThat(ctx.failure())
                                .contains(
                                        "Elasticsearch sink failed",
                                        "the write alias " + indexPrefix + " does not exist"));
            }
            assertThat(es.document(indexPrefix + "_index-000001", id(second))).isNull();

            EmbeddedAppContext restarted = new EmbeddedAppContext("visibility-indexer");
            try (AutoCloseable app = VisibilityIndexerApp.start(settings, restarted)) {
                await().atMost(WAIT)
                        .untilAsserted(() ->
                                assertThat(es.document(indexPrefix, id(second))).isNotNull());
                assertThat(restarted.failure()).isNull();
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topicPrefix, Row row, long lsn)
            throws Exception {
        producer.send(new ProducerRecord<>(
                        Topics.visibilityExecutions(topicPrefix),
                        DebeziumRecords.key(row, true),
                        DebeziumRecords.upsert("c", row, lsn, System.currentTimeMillis(), true)))
                .get();
    }

    private static String id(Row row) {
        return row.get("workflow_id") + "~" + row.get("run_id").toString().strip();
    }
}
