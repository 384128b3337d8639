package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.elasticsearch.BulkWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexRouter;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.runtime.sink.SinkOutcome;
import io.temporalcdc.testsupport.LocalStack;
import io.temporalcdc.testsupport.Names;
import io.temporalcdc.testsupport.Ports;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bulk writer against the real Elasticsearch: one {@code _bulk} per batch, an outcome per record. */
class BulkWriterIT {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final IndexerMetrics metrics = IndexerMetrics.of(registry);
    private EsConnection es;
    private EsTestClient http;
    private String alias;
    private BulkWriter writer;
    private long offset;

    @BeforeEach
    void install() throws Exception {
        String url = LocalStack.shared().elasticsearch().url();
        es = EsConnection.open(List.of(URI.create(url)), null, null);
        http = new EsTestClient(url);
        IndexSettings index = new IndexSettings(Names.unique("bulk"), 1, 0, "1s");
        new IndexInstaller(es.rest(), index, false).install();
        alias = index.alias();
        writer = new BulkWriter(es.rest(), IndexRouter.throughAlias(es.rest(), alias), metrics, Duration.ofMinutes(10));
    }

    @AfterEach
    void close() throws Exception {
        es.close();
    }

    private ConsumerRecord<byte[], byte[]> record(String id, String document, long version) {
        RecordHeaders headers = new RecordHeaders(
                DocumentHeaders.of(version, System.currentTimeMillis()).toArray());
        return new ConsumerRecord<>(
                "docs",
                0,
                offset++,
                0L,
                TimestampType.CREATE_TIME,
                0,
                0,
                id.getBytes(StandardCharsets.UTF_8),
                document == null ? null : document.getBytes(StandardCharsets.UTF_8),
                headers,
                java.util.Optional.empty());
    }

    private List<SinkOutcome> write(ConsumerRecord<byte[], byte[]>... records) {
        return writer.write(new ArrayList<>(List.of(records))).join();
    }

    private double counter(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void shouldIndexTheHighestVersionOfAnIdOnceAndShareItsOutcome() {
        List<SinkOutcome> outcomes = write(
                record("wf~1", "{\"HistoryLength\":1}", 10),
                record("wf~1", "{\"HistoryLength\":3}", 30),
                record("wf~1", "{\"HistoryLength\":2}", 20));

        assertThat(outcomes).containsOnly(SinkOutcome.DONE);
        assertThat(http.document(alias, "wf~1").path("_version").asLong()).isEqualTo(30);
        assertThat(http.document(alias, "wf~1")
                        .path("_source")
                        .path("HistoryLength")
                        .asInt())
                .isEqualTo(3);
        assertThat(counter("visibility.indexer.documents.indexed")).isEqualTo(1.0);
    }

    @Test
    void shouldTellARedeliveryFromAStaleWriteAndNeverRegress() {
        write(record("wf~2", "{\"HistoryLength\":5}", 50));

        assertThat(write(record("wf~2", "{\"HistoryLength\":5}", 50))).containsExactly(SinkOutcome.DONE);
        assertThat(write(record("wf~2", "{\"HistoryLength\":4}", 40))).containsExactly(SinkOutcome.DONE);

        assertThat(counter("visibility.indexer.replayed.writes")).isEqualTo(1.0);
        assertThat(counter("visibility.indexer.stale.writes")).isEqualTo(1.0);
        assertThat(http.document(alias, "wf~2")
                        .path("_source")
                        .path("HistoryLength")
                        .asInt())
                .isEqualTo(5);
    }

    @Test
    void shouldDeleteWithAVersionAndCountADeleteOfNothingApart() {
        write(record("wf~3", "{\"HistoryLength\":1}", 10));

        assertThat(write(record("wf~3", null, 20), record("wf~never", null, 20)))
                .containsExactly(SinkOutcome.DONE, SinkOutcome.DONE);
        assertThat(write(record("wf~3", "{\"HistoryLength\":1}", 10))).containsExactly(SinkOutcome.DONE);

        assertThat(http.document(alias, "wf~3")).isNull();
        assertThat(counter("visibility.indexer.documents.deleted")).isEqualTo(1.0);
        assertThat(counter("visibility.indexer.deletes.not.found")).isEqualTo(1.0);
    }

    @Test
    void shouldDeadLetterADocumentTheMappingRefusesAndKeepTheOthers() {
        List<SinkOutcome> outcomes = write(
                record("wf~4", "{\"HistoryLength\":1}", 10),
                record("wf~5", "{\"NotInTheMapping\":1}", 10),
                record("wf~6", "{\"HistoryLength\":\"many\"}", 10));

        assertThat(outcomes.get(0)).isEqualTo(SinkOutcome.DONE);
        assertThat(outcomes.get(1))
                .isInstanceOfSatisfying(
                        SinkOutcome.DeadLetter.class,
                        dead -> assertThat(dead.reason())
                                .startsWith("rejected by Elasticsearch: strict_dynamic_mapping_exception"));
        assertThat(outcomes.get(2))
                .isInstanceOfSatisfying(
                        SinkOutcome.DeadLetter.class,
                        dead -> assertThat(dead.reason())
                                .startsWith("rejected by Elasticsearch: document_parsing_exception"));
    }

    @Test
    void shouldWriteAnOlderVersionOnItsOwnWhenTheNewerOneSentInItsPlaceIsRejected() {
        List<SinkOutcome> outcomes =
                write(record("wf~9", "{\"HistoryLength\":1}", 10), record("wf~9", "{\"HistoryLength\":\"x\"}", 20));

        assertThat(outcomes.get(0)).isInstanceOf(SinkOutcome.Retry.class);
        assertThat(outcomes.get(1)).isInstanceOf(SinkOutcome.DeadLetter.class);
        assertThat(write(record("wf~9", "{\"HistoryLength\":1}", 10))).containsExactly(SinkOutcome.DONE);
    }

    @Test
    void shouldRetryWhenElasticsearchCannotBeReached() throws Exception {
        int closedPort = Ports.free();
        try (EsConnection nowhere =
                EsConnection.open(List.of(URI.create("http://127.0.0.1:" + closedPort)), null, null)) {
            BulkWriter unreachable = new BulkWriter(
                    nowhere.rest(), IndexRouter.throughAlias(nowhere.rest(), alias), metrics, Duration.ofMinutes(10));

            List<SinkOutcome> outcomes = unreachable
                    .write(List.of(record("wf~7", "{\"HistoryLength\":1}", 10)))
                    .join();

            assertThat(outcomes).singleElement().isInstanceOf(SinkOutcome.Retry.class);
        }
    }

    @Test
    void shouldDeadLetterARecordWithoutAVersion() {
        ConsumerRecord<byte[], byte[]> unversioned = new ConsumerRecord<>(
                "docs", 0, offset++, "wf~8".getBytes(StandardCharsets.UTF_8), "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(writer.write(List.of(unversioned)).join())
                .singleElement()
                .isInstanceOfSatisfying(
                        SinkOutcome.DeadLetter.class,
                        dead -> assertThat(dead.reason()).isEqualTo("no valid version header"));
    }
}
