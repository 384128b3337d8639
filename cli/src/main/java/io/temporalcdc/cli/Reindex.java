package io.temporalcdc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.IndexerMetrics;
import io.temporalcdc.indexer.elasticsearch.BulkWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexAdmin;
import io.temporalcdc.indexer.elasticsearch.IndexRouter;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.runtime.sink.AcknowledgingSink;
import io.temporalcdc.runtime.sink.SinkOutcome;
import io.temporalcdc.runtime.sink.SinkWriter;
import io.temporalcdc.schemas.Topics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Rebuilds the visibility index from the documents topic without taking search down:
 *
 * <ol>
 *   <li>a new concrete index {@code <alias>_reindex-<UTC time>-000001} is created from the template (optionally a new
 *       template version first), with no replicas and no refresh while it fills;
 *   <li>the documents topic is replayed into it from offset 0 under the consumer group {@code
 *       temporal-cdc-reindex-<index>} by the indexer's own sink ({@link AcknowledgingSink} + {@link BulkWriter}: the
 *       same batching, retries, dead letters, and each document with its external version) until the group has
 *       committed the end offsets read at the start; the replay keeps running after that, following new documents;
 *   <li>the index gets its replicas and refresh interval back and is refreshed; with a JDBC URL it is verified against
 *       the table ({@link Verification});
 *   <li>the alias moves to it in one {@code _aliases} request (remove from every old index, add as write index);
 *   <li>the replay goes on until it has committed the end offsets read <em>after</em> the swap, then stops: every
 *       document the live indexer wrote to an old index before the swap was in the topic below those offsets, so the
 *       new index has it too (versions make the second write of a document a no-op), and every later document is
 *       written by the live indexer to the new index;
 *   <li>the old indices are kept, or deleted with {@code --delete-old}.
 * </ol>
 */
public final class Reindex {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final Duration POLL = Duration.ofMillis(500);
    private static final String SINK_NAME = "reindex";

    /**
     * What to rebuild and how.
     *
     * @param kafka Kafka client properties
     * @param topicPrefix the CDC topic prefix (documents topic {@code <prefix>.visibility.documents})
     * @param alias the alias searched by the Web UI and written by the indexer
     * @param newIndex the concrete index to build, or null for {@code <alias>_reindex-<UTC time>-000001}
     * @param template a new template version (the seed's format) to install first, or null
     * @param deleteOld whether to delete the old indices after the swap
     * @param jdbcUrl the database to verify against, or null
     * @param sample rows compared field by field
     * @param verifyTimeout how long a difference may take to disappear (rows in flight) before verification fails
     * @param catchUpTimeout how long the replay may go without progress before the reindex fails
     * @param bulkActions documents per {@code _bulk} request
     * @param inFlight {@code _bulk} requests in flight
     * @param progress how progress is shown
     */
    public record Settings(
            Map<String, Object> kafka,
            String topicPrefix,
            String alias,
            String newIndex,
            Path template,
            boolean deleteOld,
            String jdbcUrl,
            int sample,
            Duration verifyTimeout,
            Duration catchUpTimeout,
            int bulkActions,
            int inFlight,
            Progress.Mode progress) {
        public Settings {
            Objects.requireNonNull(kafka, "kafka");
            Objects.requireNonNull(alias, "alias");
        }
    }

    /** What the reindex did. */
    public record Outcome(String index, List<String> oldIndices, long records, long documents, Duration took) {}

    private final Settings settings;
    private final EsConnection es;
    private final String elasticsearchUrl;
    private final String[] elasticsearchCredentials;
    private final PrintStream out;
    private final IndexAdmin admin;

    /**
     * @param credentials Elasticsearch user and password for the verification's reads, or nulls
     */
    public Reindex(Settings settings, EsConnection es, String elasticsearchUrl, String[] credentials, PrintStream out) {
        this.settings = settings;
        this.es = es;
        this.elasticsearchUrl = elasticsearchUrl;
        this.elasticsearchCredentials = credentials;
        this.out = out;
        this.admin = new IndexAdmin(es.rest());
    }

    /** @return the plan, for the operator to confirm */
    public String plan() throws IOException {
        IndexAdmin.AliasState before = aliasState();
        return "Reindex " + Topics.visibilityDocuments(settings.topicPrefix()) + " into a new index "
                + newIndexName() + ", then move the alias " + settings.alias() + " from " + before.indices()
                + " to it" + (settings.jdbcUrl() != null ? " once verified against the table" : "")
                + (settings.deleteOld() ? ", and delete " + before.indices() : " (the old indices are kept)") + ".";
    }

    private String newIndexCache;

    String newIndexName() {
        if (newIndexCache == null) {
            newIndexCache = settings.newIndex() != null
                    ? settings.newIndex()
                    : settings.alias() + "_reindex-"
                            + ZonedDateTime.now(ZoneOffset.UTC).format(STAMP) + "-000001";
        }
        return newIndexCache;
    }

    private IndexAdmin.AliasState aliasState() throws IOException {
        IndexAdmin.AliasState state = admin.alias(settings.alias());
        if (state == null) {
            throw new CliException("the alias " + settings.alias() + " does not exist: there is nothing to swap (start"
                    + " the visibility-indexer once, or check --alias)");
        }
        return state;
    }

    /** Runs the whole reindex; throws a {@link CliException} when it stops before the swap. */
    public Outcome run() throws Exception {
        long start = System.nanoTime();
        IndexAdmin.AliasState before = aliasState();
        String index = newIndexName();
        String documents = Topics.visibilityDocuments(settings.topicPrefix());
        IndexAdmin.IndexShape shape = admin.shape(before.writeIndex());
        if (settings.template() != null) {
            installTemplate(shape);
        }
        ObjectNode filling = JsonNodeFactory.instance.objectNode();
        filling.put("index.number_of_shards", shape.shards());
        filling.put("index.number_of_replicas", 0);
        filling.put("index.refresh_interval", "-1");
        admin.createIndex(index, filling);
        out.println("Created " + index + " (" + shape.shards() + " shards; replicas and refresh off while it fills)");

        String group = "temporal-cdc-reindex-" + index;
        String leftovers = "; the new index " + index + " and the consumer group " + group + " are left for"
                + " inspection (delete both before a new run with the same --index)";
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<String> failure = new AtomicReference<>();
        try (KafkaState kafka = new KafkaState(settings.kafka());
                Replay replay = new Replay(group, index, documents, registry, failure)) {
            IndexAdmin.AliasState current;
            List<TopicPartition> partitions;
            try {
                partitions = kafka.partitions(documents);
                if (partitions.isEmpty()) {
                    throw new CliException(
                            "the documents topic " + documents + " does not exist (check --topic-prefix)");
                }
                Map<TopicPartition, Long> firstEnd = kafka.endOffsets(partitions);
                replay.start();
                awaitCommitted(kafka, group, firstEnd, registry, failure, "replay");
                out.println("Replayed the documents topic up to its end offsets at the start");

                ObjectNode serving = JsonNodeFactory.instance.objectNode();
                serving.put("index.number_of_replicas", shape.replicas());
                serving.put("index.refresh_interval", shape.refreshInterval());
                admin.updateSettings(index, serving);
                admin.refresh(index);

                if (settings.jdbcUrl() != null) {
                    Verification.Result result = new Verification(
                                    settings.jdbcUrl(),
                                    elasticsearchUrl,
                                    elasticsearchCredentials,
                                    index,
                                    settings.sample(),
                                    settings.verifyTimeout(),
                                    out)
                            .run();
                    if (!result.passed()) {
                        throw new CliException("verification failed:\n  " + String.join("\n  ", result.problems()));
                    }
                    out.println("Verified against the table: " + result.summary());
                }
                // the replay goes on during the verification: it must still be healthy when the alias moves
                if (failure.get() != null || !replay.running()) {
                    throw new CliException("the replay stopped: " + failure.get());
                }
                current = aliasState();
                admin.swapAlias(settings.alias(), current.indices(), index);
            } catch (CliException e) {
                throw new CliException(
                        e.getMessage() + "\nThe alias " + settings.alias() + " was not moved" + leftovers);
            }
            out.println("Swapped the alias " + settings.alias() + ": " + current.indices() + " -> " + index);

            try {
                Map<TopicPartition, Long> afterSwap = kafka.endOffsets(partitions);
                awaitCommitted(kafka, group, afterSwap, registry, failure, "catch-up after the swap");
            } catch (CliException e) {
                throw new CliException(e.getMessage() + "\nThe alias " + settings.alias() + " already points to "
                        + index + ", but the documents the live indexer wrote to " + current.indices()
                        + " just before the swap may be missing from it: run the reindex again (the old indices"
                        + " are kept)" + leftovers);
            }
            replay.close();
            try {
                kafka.deleteGroup(group);
            } catch (CliException e) {
                out.println("Could not delete the consumer group " + group + " (" + e.getMessage()
                        + "): delete it with kafka-consumer-groups --delete");
            }

            if (settings.deleteOld()) {
                for (String old : current.indices()) {
                    admin.deleteIndex(old);
                    out.println("Deleted " + old);
                }
            }
            long records = acknowledged(registry);
            long count = admin.count(index);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            out.printf(
                    "Done in %s: %,d records replayed, %,d documents in %s, alias %s -> %s%n",
                    Progress.format(took), records, count, index, settings.alias(), index);
            return new Outcome(index, current.indices(), records, count, took);
        }
    }

    private void installTemplate(IndexAdmin.IndexShape shape) throws IOException {
        ObjectNode seed;
        try {
            seed = (ObjectNode) JSON.readTree(Files.readString(settings.template()));
        } catch (IOException | ClassCastException e) {
            throw new CliException("cannot read the template " + settings.template() + ": " + e.getMessage());
        }
        ObjectNode template = IndexTemplates.template(
                seed,
                new IndexTemplates.IndexSettings(
                        settings.alias(), shape.shards(), shape.replicas(), shape.refreshInterval()),
                admin.hasIlm());
        admin.putTemplate(settings.alias(), template);
        out.println("Installed the template " + settings.template() + " as " + settings.alias()
                + " (the visibility-indexer re-installs its own at start-up: ship the new version with it)");
    }

    /** Waits until {@code group} has committed {@code ends} on every partition, showing progress. */
    private void awaitCommitted(
            KafkaState kafka,
            String group,
            Map<TopicPartition, Long> ends,
            SimpleMeterRegistry registry,
            AtomicReference<String> failure,
            String task)
            throws InterruptedException {
        long total = ends.values().stream().mapToLong(Long::longValue).sum();
        long recordsBefore = acknowledged(registry);
        long lastDone = -1;
        long lastProgressNanos = System.nanoTime();
        try (Progress progress = Progress.of(task, settings.progress(), out)) {
            while (true) {
                if (failure.get() != null) {
                    throw new CliException("the replay stopped: " + failure.get());
                }
                Map<TopicPartition, OffsetAndMetadata> committed = kafka.committed(group);
                long done = 0;
                boolean complete = true;
                for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
                    OffsetAndMetadata at = committed.get(end.getKey());
                    long position = at == null ? 0 : at.offset();
                    done += Math.min(position, end.getValue());
                    complete &= position >= end.getValue();
                }
                progress.update(done, total, acknowledged(registry) - recordsBefore);
                if (complete) {
                    return;
                }
                if (done != lastDone) {
                    lastDone = done;
                    lastProgressNanos = System.nanoTime();
                } else if (System.nanoTime() - lastProgressNanos
                        > settings.catchUpTimeout().toNanos()) {
                    throw new CliException(task + " made no progress for "
                            + settings.catchUpTimeout().toSeconds() + " s (committed " + done + " of " + total
                            + " offsets)");
                }
                Thread.sleep(POLL.toMillis());
            }
        }
    }

    /**
     * The replay's writer: a document the new index refuses stops the reindex at once, with Elasticsearch's reason,
     * instead of becoming a dead letter of the live indexer (the new index is for a mapping that must take every
     * document; a dead letter there would be a document missing from the rebuilt index).
     */
    static SinkWriter refusingDeadLetters(SinkWriter writer, String index) {
        return batch -> writer.write(batch)
                .thenApply(outcomes -> outcomes.stream()
                        .map(outcome -> outcome instanceof SinkOutcome.DeadLetter dead
                                ? (SinkOutcome) new SinkOutcome.Fatal(index + " refuses a document (" + dead.reason()
                                        + "): fix the template (--template) and run again")
                                : outcome)
                        .toList());
    }

    private static long acknowledged(SimpleMeterRegistry registry) {
        return (long)
                registry.get(SINK_NAME + ".sink.records.acknowledged").counter().count();
    }

    /** The replay: the indexer's sink with its own group, writing into the new index. */
    private final class Replay implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> deadLetters;
        private final AcknowledgingSink sink;
        private final KafkaConsumer<byte[], byte[]> consumer;
        private boolean started;
        private boolean closed;

        Replay(
                String group,
                String index,
                String documents,
                SimpleMeterRegistry registry,
                AtomicReference<String> failure) {
            deadLetters = new KafkaProducer<>(
                    AcknowledgingSink.deadLetterProducerProperties(settings.kafka(), group + "-dlq"),
                    new ByteArraySerializer(),
                    new ByteArraySerializer());
            consumer = new KafkaConsumer<>(
                    AcknowledgingSink.consumerProperties(settings.kafka(), group),
                    new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
            sink = new AcknowledgingSink(
                    new AcknowledgingSink.Settings(
                            SINK_NAME,
                            List.of(documents),
                            settings.bulkActions(),
                            8L * 1024 * 1024,
                            Duration.ofMillis(20),
                            settings.inFlight(),
                            RetryPolicy.forDuration(
                                    Duration.ofMillis(200), Duration.ofSeconds(10), Duration.ofMinutes(5)),
                            Duration.ofMillis(500),
                            Duration.ofSeconds(30),
                            Topics.visibilityIndexerDlq(settings.topicPrefix()),
                            true),
                    consumer,
                    refusingDeadLetters(
                            new BulkWriter(
                                    es.rest(),
                                    IndexRouter.toIndex(es.rest(), index),
                                    IndexerMetrics.of(registry),
                                    Duration.ZERO),
                            index),
                    deadLetters,
                    new AcknowledgingSink.Listener() {
                        @Override
                        public void healthy(boolean healthy, String reason) {
                            if (!healthy) {
                                out.println("  retrying: " + reason);
                            }
                        }

                        @Override
                        public void failed(String reason, Throwable cause) {
                            failure.compareAndSet(null, reason);
                        }
                    },
                    registry);
        }

        void start() {
            started = true;
            sink.start();
        }

        boolean running() {
            return sink.isRunning();
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (started) {
                    sink.close();
                } else {
                    consumer.close(Duration.ofSeconds(5));
                }
                deadLetters.close(Duration.ofSeconds(5));
            }
        }
    }
}
