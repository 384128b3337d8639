package io.temporalcdc.cli;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.temporalcdc.indexer.IndexerMetrics;
import io.temporalcdc.indexer.elasticsearch.BulkWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexRouter;
import io.temporalcdc.runtime.sink.SinkOutcome;
import io.temporalcdc.schemas.ElasticsearchContracts;
import io.temporalcdc.schemas.Topics;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "dead-letters",
        mixinStandardHelpOptions = true,
        description = "Read an app's dead-letter topic and re-drive what a fix made writable.",
        subcommands = {
            DeadLettersCommand.ListCommand.class,
            DeadLettersCommand.ShowCommand.class,
            DeadLettersCommand.RedriveCommand.class
        },
        exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
        exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
final class DeadLettersCommand implements Runnable {
    /** Header of a re-driven record: the dead letter it came from ({@code <dlq topic>-<partition>@<offset>}). */
    static final String REDRIVEN_FROM = "temporalcdc.redriven.from";
    /** Dead letters per {@code _bulk} request of {@code redrive --to sink}. */
    static final int SINK_BATCH = 500;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "name a subcommand: list, show or redrive");
    }

    /** Which dead-letter topic. */
    static final class Source {
        @Option(
                names = "--app",
                defaultValue = "visibility-indexer",
                description = "The app whose dead letters to read: visibility-indexer, cache-invalidator or"
                        + " metrics-aggregator (default: ${DEFAULT-VALUE}).")
        String app;

        @Option(names = "--topic", description = "A dead-letter topic by name (instead of --app).")
        String topic;

        String topic(String prefix, CommandSpec spec) {
            if (topic != null) {
                return topic;
            }
            return switch (app) {
                case "visibility-indexer" -> Topics.visibilityIndexerDlq(prefix);
                case "cache-invalidator" -> Topics.cacheInvalidatorDlq(prefix);
                case "metrics-aggregator" -> Topics.metricsAggregatorDlq(prefix);
                default ->
                    throw new ParameterException(
                            spec.commandLine(),
                            "--app " + app + ": expected visibility-indexer, cache-invalidator or metrics-aggregator");
            };
        }
    }

    /** What every dead-letter subcommand has: the spec, Kafka, and which topic. */
    abstract static class OnTopic {
        @Spec
        CommandSpec spec;

        @Mixin
        KafkaOptions kafka;

        @ArgGroup(exclusive = false)
        Source source = new Source();

        /** @return the dead-letter topic the options name */
        String topic() {
            return source.topic(kafka.topicPrefix, spec);
        }

        /** @return the selected dead letters, in partition and offset order */
        List<DeadLetter> read(DeadLetterSelection selection) {
            return DeadLettersCommand.read(kafka, topic(), selection, ranges(selection, spec));
        }
    }

    /** @return the selected dead letters of {@code topic}, in partition and offset order */
    static List<DeadLetter> read(
            KafkaOptions kafka, String topic, DeadLetterSelection selection, List<DeadLetterSelection.Range> ranges) {
        Map<TopicPartition, Long> from = new HashMap<>();
        try (KafkaState state = new KafkaState(kafka.clientProperties())) {
            List<TopicPartition> partitions = state.partitions(topic);
            if (partitions.isEmpty()) {
                throw new CliException("the dead-letter topic " + topic + " does not exist (check --app, --topic and"
                        + " --topic-prefix)");
            }
            partitions.forEach(tp -> from.put(tp, 0L));
        }
        List<DeadLetter> letters = new ArrayList<>();
        TopicReader.read(kafka.clientProperties(), from, record -> {
            DeadLetter letter = new DeadLetter(record);
            if (selection.matches(letter, ranges)) {
                letters.add(letter);
            }
        });
        letters.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return letters;
    }

    static List<DeadLetterSelection.Range> ranges(DeadLetterSelection selection, CommandSpec spec) {
        try {
            return selection.ranges();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "One line per dead letter (position, time, where it came from, reason), then the count per"
                    + " reason. Without a selection: all of them.",
            exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
            exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
    static final class ListCommand extends OnTopic implements Callable<Integer> {
        @Mixin
        DeadLetterSelection selection;

        @Override
        public Integer call() {
            String topic = topic();
            List<DeadLetter> letters = read(selection);
            PrintStream out = System.out;
            out.println("POSITION\tTIME\tSOURCE\tREASON");
            Map<String, Integer> byReason = new TreeMap<>();
            for (DeadLetter letter : letters) {
                out.println(letter.position() + "\t" + letter.time() + "\t" + letter.source() + "\t" + letter.reason());
                byReason.merge(kind(letter.reason()), 1, Integer::sum);
            }
            out.println(letters.size() + " dead letters in " + topic);
            byReason.forEach((reason, count) -> out.println("  " + count + "\t" + reason));
            return 0;
        }

        /** The reason up to its first colon after the kind, e.g. {@code unmappable: ...} → the whole first clause. */
        private static String kind(String reason) {
            int cut = reason.indexOf(':', reason.indexOf(':') + 1);
            return cut < 0 ? reason : reason.substring(0, cut);
        }
    }

    @Command(
            name = "show",
            mixinStandardHelpOptions = true,
            description = "Everything about one dead letter: headers, key and value (text, or base64 when binary).",
            exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
            exitCodeList = {TemporalCdc.EXIT_OK, TemporalCdc.EXIT_FAILED, TemporalCdc.EXIT_USAGE})
    static final class ShowCommand extends OnTopic implements Callable<Integer> {
        @Option(names = "--offset", required = true, paramLabel = "P:O", description = "The dead letter's position.")
        String offset;

        @Override
        public Integer call() {
            DeadLetterSelection one = new DeadLetterSelection();
            one.offsets.add(offset);
            List<DeadLetter> letters = read(one);
            if (letters.isEmpty()) {
                throw new CliException("no dead letter at " + offset);
            }
            DeadLetter letter = letters.get(0);
            PrintStream out = System.out;
            out.println("position:  " + letter.position());
            out.println("time:      " + letter.time());
            out.println("reason:    " + letter.reason());
            out.println("exception: " + letter.exception());
            out.println("source:    " + letter.source());
            for (Header header : letter.record().headers()) {
                out.println("header:    " + header.key() + "=" + DeadLetter.text(header.value()));
            }
            out.println("key:       " + DeadLetter.text(letter.record().key()));
            out.println("value:     " + DeadLetter.text(letter.record().value()));
            return 0;
        }
    }

    @Command(
            name = "redrive",
            mixinStandardHelpOptions = true,
            description = {
                "Re-drive the selected dead letters after a fix, and report what happened to each.",
                "--to source (default) appends the record, as it was read, to its source topic and partition, where"
                        + " the app reads it again; a record whose source partition has a later record of the same"
                        + " key is skipped as superseded (the later change carries the row's current state, and"
                        + " re-appending the older one would make it the compacted topic's last word), which also"
                        + " makes a second re-drive change nothing.",
                "--to sink writes visibility-indexer dead letters of the documents topic straight into Elasticsearch"
                        + " through the alias, with their versions."
            },
            exitCodeListHeading = TemporalCdc.EXIT_CODES_HEADING,
            exitCodeList = {
                "0:every selected dead letter was re-driven, skipped as superseded or already written",
                "1:some could not be re-driven (each is reported), or a failure",
                TemporalCdc.EXIT_USAGE
            })
    static final class RedriveCommand extends OnTopic implements Callable<Integer> {
        @Mixin
        DeadLetterSelection selection;

        @Mixin
        ElasticsearchOptions elasticsearch;

        @Option(names = "--to", defaultValue = "source", description = "source or sink (default: ${DEFAULT-VALUE}).")
        String to;

        @Option(
                names = "--alias",
                defaultValue = ElasticsearchContracts.DEFAULT_INDEX_PREFIX,
                description = "The visibility alias, for --to sink (default: ${DEFAULT-VALUE}).")
        String alias;

        @Override
        public Integer call() throws Exception {
            if (!selection.any()) {
                throw new ParameterException(
                        spec.commandLine(), "select what to re-drive: --all, --reason TEXT or --offsets P:FROM-TO");
            }
            if (!to.equals("source") && !to.equals("sink")) {
                throw new ParameterException(spec.commandLine(), "--to must be source or sink");
            }
            String topic = topic();
            List<DeadLetter> letters = read(selection);
            PrintStream out = System.out;
            Map<String, Integer> tally = new TreeMap<>();
            int failed = 0;
            if (to.equals("source")) {
                failed = toSource(topic, letters, out, tally);
            } else {
                failed = toSink(letters, out, tally);
            }
            out.println(letters.size() + " dead letters selected in " + topic);
            tally.forEach((what, count) -> out.println("  " + count + "\t" + what));
            return failed == 0 ? 0 : TemporalCdc.FAILED;
        }

        private int toSource(String topic, List<DeadLetter> letters, PrintStream out, Map<String, Integer> tally)
                throws Exception {
            Map<TopicPartition, Map<ByteBuffer, Long>> latest = laterRecords(letters);
            Map<String, Object> props = new HashMap<>(kafka.clientProperties());
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            int failed = 0;
            Map<DeadLetter, java.util.concurrent.Future<RecordMetadata>> sent = new LinkedHashMap<>();
            try (KafkaProducer<byte[], byte[]> producer =
                    new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
                for (DeadLetter letter : letters) {
                    String skip = skipReason(letter, latest);
                    if (skip != null) {
                        report(out, tally, letter, skip);
                        failed += skip.startsWith("superseded") ? 0 : 1;
                        continue;
                    }
                    var headers = letter.originalHeaders();
                    headers.add(REDRIVEN_FROM, (topic + "-" + letter.position()).getBytes(StandardCharsets.UTF_8));
                    sent.put(
                            letter,
                            producer.send(new ProducerRecord<>(
                                    letter.sourceTopic(),
                                    letter.sourcePartition(),
                                    letter.record().key(),
                                    letter.record().value(),
                                    headers)));
                }
                producer.flush();
                for (var entry : sent.entrySet()) {
                    try {
                        RecordMetadata at = entry.getValue().get(30, TimeUnit.SECONDS);
                        report(
                                out,
                                tally,
                                entry.getKey(),
                                "re-driven to " + at.topic() + "-" + at.partition() + "@" + at.offset());
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                        failed++;
                        report(out, tally, entry.getKey(), "not re-driven: " + e);
                    }
                }
            }
            return failed;
        }

        /**
         * @return for each source partition of the dead letters, the last offset of every key after the earliest dead
         *     letter read from it (what supersedes a dead letter)
         */
        private Map<TopicPartition, Map<ByteBuffer, Long>> laterRecords(List<DeadLetter> letters) {
            Map<TopicPartition, Long> firstOffsets = new HashMap<>();
            for (DeadLetter letter : letters) {
                if (letter.sourcePartition() >= 0
                        && letter.sourceOffset() >= 0
                        && !letter.sourceTopic().isEmpty()) {
                    firstOffsets.merge(
                            new TopicPartition(letter.sourceTopic(), letter.sourcePartition()),
                            letter.sourceOffset() + 1,
                            Math::min);
                }
            }
            Map<TopicPartition, Map<ByteBuffer, Long>> latest = new HashMap<>();
            TopicReader.read(kafka.clientProperties(), firstOffsets, (ConsumerRecord<byte[], byte[]> r) -> {
                if (r.key() != null) {
                    latest.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new HashMap<>())
                            .put(ByteBuffer.wrap(r.key()), r.offset());
                }
            });
            return latest;
        }

        private static String skipReason(DeadLetter letter, Map<TopicPartition, Map<ByteBuffer, Long>> latest) {
            if (letter.sourceTopic().isEmpty() || letter.sourcePartition() < 0) {
                return "not re-driven: the dead letter does not say where it came from (no dlq.source.* headers)";
            }
            if (letter.valueDropped() != null) {
                return "not re-driven: its value was dropped (" + letter.valueDropped() + ")";
            }
            if (letter.record().key() != null) {
                Long later = latest.getOrDefault(
                                new TopicPartition(letter.sourceTopic(), letter.sourcePartition()), Map.of())
                        .get(ByteBuffer.wrap(letter.record().key()));
                if (later != null && later > letter.sourceOffset()) {
                    return "superseded by " + letter.sourceTopic() + "-" + letter.sourcePartition() + "@" + later
                            + ": not re-driven";
                }
            }
            return null;
        }

        private int toSink(List<DeadLetter> letters, PrintStream out, Map<String, Integer> tally) throws Exception {
            String documents = Topics.visibilityDocuments(kafka.topicPrefix);
            List<DeadLetter> writable = new ArrayList<>();
            Map<TopicPartition, Map<ByteBuffer, Long>> latest = laterRecords(letters);
            int failed = 0;
            for (DeadLetter letter : letters) {
                String skip = documents.equals(letter.sourceTopic()) ? skipReason(letter, latest) : null;
                if (!documents.equals(letter.sourceTopic())) {
                    failed++;
                    report(
                            out,
                            tally,
                            letter,
                            "not re-driven: only dead letters of " + documents + " go straight to"
                                    + " Elasticsearch; re-drive this one --to source");
                } else if (skip != null) {
                    // a later document (or tombstone) of the run is in the topic: writing this one could bring back
                    // an old state once Elasticsearch has forgotten the newer version's delete
                    failed += skip.startsWith("superseded") ? 0 : 1;
                    report(out, tally, letter, skip);
                } else {
                    writable.add(letter);
                }
            }
            if (writable.isEmpty()) {
                return failed;
            }
            try (EsConnection es = elasticsearch.open()) {
                BulkWriter writer = new BulkWriter(
                        es.rest(),
                        IndexRouter.throughAlias(es.rest(), alias),
                        IndexerMetrics.of(new SimpleMeterRegistry()),
                        Duration.ZERO);
                for (int from = 0; from < writable.size(); from += SINK_BATCH) {
                    List<DeadLetter> chunk = writable.subList(from, Math.min(writable.size(), from + SINK_BATCH));
                    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                    for (DeadLetter letter : chunk) {
                        ConsumerRecord<byte[], byte[]> r = letter.record();
                        batch.add(new ConsumerRecord<>(
                                letter.sourceTopic(),
                                letter.sourcePartition(),
                                letter.sourceOffset(),
                                r.timestamp(),
                                r.timestampType(),
                                r.serializedKeySize(),
                                r.serializedValueSize(),
                                r.key(),
                                r.value(),
                                letter.originalHeaders(),
                                java.util.Optional.empty()));
                    }
                    List<SinkOutcome> outcomes = writer.write(batch).get(2, TimeUnit.MINUTES);
                    for (int i = 0; i < chunk.size(); i++) {
                        SinkOutcome outcome = outcomes.get(i);
                        String what = switch (outcome) {
                            case SinkOutcome.Done d -> "written: Elasticsearch holds this version or a newer" + " one";
                            case SinkOutcome.DeadLetter d -> "refused again: " + d.reason();
                            case SinkOutcome.Retry r -> "not written (transient, try again): " + r.reason();
                            case SinkOutcome.Fatal f -> "not written: " + f.reason();
                        };
                        failed += outcome instanceof SinkOutcome.Done ? 0 : 1;
                        report(out, tally, chunk.get(i), what);
                    }
                }
            }
            return failed;
        }

        /** @return what a report line says, without its details: "re-driven", "superseded", "not re-driven", ... */
        static String category(String what) {
            for (String kind :
                    List.of("re-driven", "superseded", "not re-driven", "written", "refused again", "not written")) {
                if (what.startsWith(kind + " ") || what.startsWith(kind + ":") || what.equals(kind)) {
                    return kind;
                }
            }
            return what;
        }

        private static void report(PrintStream out, Map<String, Integer> tally, DeadLetter letter, String what) {
            out.println(letter.position() + "\t" + letter.source() + "\t" + what);
            tally.merge(category(what), 1, Integer::sum);
        }
    }
}
