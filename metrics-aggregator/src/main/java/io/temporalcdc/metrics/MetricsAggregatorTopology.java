package io.temporalcdc.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import io.temporalcdc.runtime.ChangeEvent;
import io.temporalcdc.runtime.ChangeEventDecoder;
import io.temporalcdc.runtime.Codec;
import io.temporalcdc.runtime.UnmappableChangeException;
import io.temporalcdc.runtime.version.ChangePosition;
import io.temporalcdc.runtime.version.VersionEpochs;
import io.temporalcdc.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The metrics aggregator's topology: the visibility change topic → per-group metrics in state stores (queried by
 * the HTTP API) and in the compacted {@code <prefix>.workflow-metrics} topic.
 *
 * <pre>
 * visibility-source → runs (store runs) → group-deltas (repartition by namespace + type) → groups (stores groups,
 *     rolling) → workflow-metrics-sink (&lt;prefix&gt;.workflow-metrics)
 * </pre>
 *
 * <p>{@code runs}, partitioned as the change topic (by the row's key), keeps each run's row as last counted and the
 * position of that change in the source's commit order. A change is counted only if it follows that position (a
 * redelivery after a cdc-source restart or a snapshot overlap is skipped), as a pair of deltas: the run as it was
 * counted, taken back, and the run as it is now, added. The previous row comes from the store, which is the before
 * image of every change the aggregator counted; a row never counted (its day outside the window) takes nothing back.
 *
 * <p>{@code groups}, partitioned by namespace and workflow type (so a type's days and minutes live in one task),
 * applies each delta to the run's day ({@link GroupMetrics}) and to its start and close minutes ({@link
 * RollingMetrics}), and sends the day's new row to the output topic (a tombstone when the group emptied). A wall-clock
 * punctuation drops days that left the window (and their rows from the output topic), minutes that left the 24 h
 * window, and recomputes the rolling gauges. Days and minutes come from the row's own times, never from arrival: a
 * late or out-of-order change lands where its times say.
 *
 * <p>The app runs it exactly-once: a delta counted twice after a crash would stay counted twice.
 */
public final class MetricsAggregatorTopology {
    /** The source of the change topic. */
    public static final String SOURCE = "visibility-source";
    /** The run-level processor. */
    public static final String RUNS = "runs";
    /** The group-level processor. */
    public static final String GROUPS = "groups";
    /** The sink of the output topic. */
    public static final String SINK = "workflow-metrics-sink";
    /**
     * Store of the runs: the run's primary key ({@link RunsProcessor#runKey}) → {@link RunState}. Named apart from the
     * {@code runs} store of earlier versions, keyed by the record's key bytes, which the app refuses to start over.
     */
    public static final String RUNS_STORE = "runs-by-key";
    /** The store of earlier versions. */
    public static final String FORMER_RUNS_STORE = "runs";
    /** Store of the days: {@code namespace \0 type \0 YYYY-MM-DD} → {@link GroupMetrics}. */
    public static final String GROUPS_STORE = "groups";
    /** Store of the minutes: {@code namespace \0 type \0 epoch minute (10 digits)} → {@link RollingMetrics}. */
    public static final String ROLLING_STORE = "rolling";
    /** The repartition by namespace and type. */
    public static final String REPARTITION = "group-deltas";

    /** The rolling windows, by name, in minutes. */
    public static final Map<String, Integer> WINDOWS = Map.of("1h", 60, "24h", 1_440);
    /** How often the days changed are sent to the output topic (each at most once per interval). */
    static final Duration PUBLISH_INTERVAL = Duration.ofSeconds(1);
    /** Days kept decoded per task (a few KiB each; most changes are to today's days). */
    static final int DECODED_DAYS = 2_000;
    /** Minutes kept: the longest window. */
    static final int KEPT_MINUTES = 1_440;

    private static final int DELTA_FORMAT = 2;
    private static final int RUN_KEY_FORMAT = 1;
    private static final long MICROS_PER_MINUTE = 60_000_000L;

    private MetricsAggregatorTopology() {}

    /**
     * What the topology needs.
     *
     * @param windowDays days of start_time kept (the view's 30)
     * @param updateInterval how often (wall clock) old days and minutes are dropped and the gauges recomputed
     */
    public record Settings(
            String topicPrefix,
            int windowDays,
            Duration updateInterval,
            VersionEpochs epochs,
            AggregatorMetrics metrics) {
        public Settings {
            Objects.requireNonNull(topicPrefix, "topicPrefix");
            Objects.requireNonNull(updateInterval, "updateInterval");
            Objects.requireNonNull(epochs, "epochs");
            Objects.requireNonNull(metrics, "metrics");
        }
    }

    /** Builds the topology. */
    public static Topology build(Settings settings, ChangeEventDecoder decoder) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(RUNS_STORE), Serdes.Bytes(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(GROUPS_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(
                        Stores.persistentKeyValueStore(ROLLING_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingEnabled());
        String topic = Topics.visibilityExecutions(settings.topicPrefix());
        builder.stream(
                        topic,
                        Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName(SOURCE))
                .process(() -> new RunsProcessor(settings, decoder), Named.as(RUNS), RUNS_STORE)
                .repartition(
                        Repartitioned.with(Serdes.String(), Serdes.ByteArray()).withName(REPARTITION))
                .process(() -> new GroupsProcessor(settings), Named.as(GROUPS), GROUPS_STORE, ROLLING_STORE)
                .to(
                        Topics.workflowMetrics(settings.topicPrefix()),
                        Produced.with(Serdes.String(), Serdes.ByteArray()).withName(SINK));
        return builder.build();
    }

    /** @return the key of a day in {@link #GROUPS_STORE} */
    static String groupKey(String typeKey, LocalDate date) {
        return typeKey + '\0' + date;
    }

    /** @return the key of a minute in {@link #ROLLING_STORE} */
    static String minuteKey(String typeKey, long epochMinute) {
        return typeKey + '\0' + String.format("%010d", epochMinute);
    }

    /** @return the output topic's key of a day: {@code namespace/workflowType/YYYY-MM-DD} */
    static String outputKey(String namespace, String workflowType, LocalDate date) {
        return namespace + '/' + workflowType + '/' + date;
    }

    /** The three parts of a store key: namespace, type, and the day or minute. */
    static String[] split(String storeKey) {
        int first = storeKey.indexOf('\0');
        int last = storeKey.lastIndexOf('\0');
        return new String[] {
            storeKey.substring(0, first), storeKey.substring(first + 1, last), storeKey.substring(last + 1)
        };
    }

    /** @return the first minute kept at {@code nowMs}: the 24 h window's oldest */
    static long firstKeptMinute(long nowMs) {
        return Math.floorDiv(nowMs, 60_000L) - (KEPT_MINUTES - 1);
    }

    static long minuteOf(long epochMicros) {
        return Math.floorDiv(epochMicros, MICROS_PER_MINUTE);
    }

    /**
     * One change of a run as its group sees it: the row taken back (null for none) and the row added (null for none),
     * of the same namespace and type, so the group's days and minutes move in one step and the output topic never
     * shows the state in between.
     */
    record Delta(RunRow taken, RunRow added, long sourceTsMs) {
        byte[] encode() {
            Codec.Writer out = new Codec.Writer(DELTA_FORMAT).bool(taken != null);
            if (taken != null) {
                taken.write(out);
            }
            out.bool(added != null);
            if (added != null) {
                added.write(out);
            }
            return out.number(sourceTsMs).bytes();
        }

        static Delta decode(byte[] bytes) {
            Codec.Reader in = new Codec.Reader(bytes, DELTA_FORMAT, "a group delta");
            RunRow taken = in.bool() ? RunRow.read(in) : null;
            RunRow added = in.bool() ? RunRow.read(in) : null;
            return new Delta(taken, added, in.number());
        }
    }

    /**
     * Whether a row counts anywhere: its day is in the window, or it closed within the rolling minutes kept (a run
     * started long ago that closed just now counts in the rolling windows' closes).
     */
    static boolean counts(RunRow row, LocalDate windowStart, long firstMinute) {
        return !row.startDate().isBefore(windowStart) || (row.closed() && minuteOf(row.closeMicros()) >= firstMinute);
    }

    /** Counts each change of a run as the deltas it makes to its group. */
    static final class RunsProcessor implements Processor<byte[], byte[], String, byte[]> {
        private final Settings settings;
        private final ChangeEventDecoder decoder;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<Bytes, byte[]> runs;
        private LocalDate purgedBefore;

        RunsProcessor(Settings settings, ChangeEventDecoder decoder) {
            this.settings = settings;
            this.decoder = decoder;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.runs = context.getStateStore(RUNS_STORE);
            this.purgedBefore = null; // a revived task's store may hold what an aborted purge removed
            context.schedule(settings.updateInterval(), PunctuationType.WALL_CLOCK_TIME, this::purge);
        }

        @Override
        public void process(Record<byte[], byte[]> record) {
            String topic = context.recordMetadata().map(m -> m.topic()).orElse("");
            ChangeEvent event = decoder.decode(topic, record.key(), record.value());
            if (event.op() == ChangeEvent.Op.TOMBSTONE) {
                settings.metrics().tombstone();
                return;
            }
            if (event.op() == ChangeEvent.Op.TRUNCATE) {
                throw new UnmappableChangeException("TRUNCATE of " + topic + " names no run: the metrics keep the"
                        + " truncated rows until rebuilt (see the metrics-aggregator README, \"Rebuilding\")");
            }
            if (record.key() == null) {
                throw new UnmappableChangeException(
                        "a change of " + topic + " without a key: its run cannot be told apart from the others");
            }
            ChangePosition position = ChangePosition.of(event.source(), settings.epochs());
            Bytes key = runKey(event, topic);
            RunState state = RunState.decode(runs.get(key));
            if (state != null && !position.follows(state.position(), state.lastSnapshot())) {
                if (position.snapshot() && !position.sameChange(state.lastSnapshot())) {
                    runs.put(key, new RunState(state.row(), state.exists(), state.position(), position).encode());
                }
                settings.metrics().replayed();
                return;
            }
            boolean delete = event.op() == ChangeEvent.Op.DELETE;
            RunRow now = delete ? null : RunRow.of(event.after(), event.columnTypes());
            long nowMs = context.currentSystemTimeMs();
            LocalDate windowStart = RunRow.windowStart(nowMs, settings.windowDays());
            long firstMinute = firstKeptMinute(nowMs);
            RunRow counted = state != null && state.exists() && counts(state.row(), windowStart, firstMinute)
                    ? state.row()
                    : null;
            RunRow counts = now != null && counts(now, windowStart, firstMinute) ? now : null;
            long tsMs = event.source().tsMs();
            if (!Objects.equals(counted, counts)) {
                if (counted != null && counts != null && counted.typeKey().equals(counts.typeKey())) {
                    forward(record, counts.typeKey(), new Delta(counted, counts, tsMs));
                } else {
                    if (counted != null) {
                        forward(record, counted.typeKey(), new Delta(counted, null, tsMs));
                    }
                    if (counts != null) {
                        forward(record, counts.typeKey(), new Delta(null, counts, tsMs));
                    }
                }
            }
            if (counted == null && counts == null) {
                settings.metrics().outsideWindow();
            } else {
                settings.metrics().counted();
            }
            ChangePosition lastSnapshot = position.snapshot() ? position : state == null ? null : state.lastSnapshot();
            RunRow kept = now != null ? now : state != null ? state.row() : before(event);
            if (kept == null || !counts(kept, windowStart, firstMinute)) {
                runs.delete(key);
            } else {
                runs.put(key, new RunState(kept, !delete, position, lastSnapshot).encode());
            }
        }

        /**
         * The run's key in the store: its primary key's values (each length-prefixed), in the key's field order, not
         * the record's key bytes, which carry the converter's framing (with JSON and schemas, the whole key schema:
         * about 350 bytes, where this key of the visibility table's two CHAR(64) columns takes 137).
         */
        static Bytes runKey(ChangeEvent event, String topic) {
            JsonNode key = event.key();
            if (key == null || !key.isObject() || key.isEmpty()) {
                throw new UnmappableChangeException("a change of " + topic
                        + " without a primary key: its run cannot be told apart from the others");
            }
            Codec.Writer out = new Codec.Writer(RUN_KEY_FORMAT);
            for (JsonNode value : key) {
                if (value.isContainerNode()) {
                    throw new UnmappableChangeException("a change of " + topic + " whose primary key holds a structure"
                            + " (" + value.getNodeType() + "): the metrics key runs by scalar values only");
                }
                out.text(value.isNull() ? null : value.asText());
            }
            return Bytes.wrap(out.bytes());
        }

        private void forward(Record<byte[], byte[]> record, String typeKey, Delta delta) {
            context.forward(new Record<>(typeKey, delta.encode(), record.timestamp()));
        }

        /** A delete of a run never seen: its before image, kept so an older change redelivered is refused. */
        private static RunRow before(ChangeEvent event) {
            try {
                return event.before() == null ? null : RunRow.of(event.before(), event.columnTypes());
            } catch (UnmappableChangeException e) {
                return null; // a key-only before image (REPLICA IDENTITY DEFAULT): nothing was counted anyway
            }
        }

        /** Once a day (by the wall clock): drops the runs that no longer count anywhere. */
        private void purge(long nowMs) {
            LocalDate windowStart = RunRow.windowStart(nowMs, settings.windowDays());
            if (windowStart.equals(purgedBefore)) {
                return;
            }
            List<Bytes> old = new ArrayList<>();
            try (KeyValueIterator<Bytes, byte[]> all = runs.all()) {
                while (all.hasNext()) {
                    KeyValue<Bytes, byte[]> entry = all.next();
                    // most runs are inside the window: their start_time alone says so
                    if (RunRow.dateOf(RunState.startMicros(entry.value)).isBefore(windowStart)
                            && !counts(RunState.decode(entry.value).row(), windowStart, firstKeptMinute(nowMs))) {
                        old.add(entry.key);
                    }
                }
            }
            old.forEach(runs::delete);
            purgedBefore = windowStart;
        }
    }

    private static boolean inWindow(RunRow row, LocalDate windowStart) {
        return !row.startDate().isBefore(windowStart);
    }

    /** Applies deltas to days and minutes; drops old ones and updates the rolling gauges on a wall-clock schedule. */
    static final class GroupsProcessor implements Processor<String, byte[], String, byte[]> {
        private final Settings settings;
        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, byte[]> groups;
        private KeyValueStore<String, byte[]> rolling;
        private LocalDate purgedBefore;
        private final Set<String> gaugedTypes = new HashSet<>();
        /** The days most recently changed, decoded: the store holds their bytes, this saves decoding them again. */
        private final Map<String, GroupMetrics> decoded = new LinkedHashMap<>(1_024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, GroupMetrics> eldest) {
                return size() > DECODED_DAYS;
            }
        };
        /** Days changed since they were last sent to the output topic. */
        private final Set<String> unpublished = new LinkedHashSet<>();

        GroupsProcessor(Settings settings) {
            this.settings = settings;
        }

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.groups = context.getStateStore(GROUPS_STORE);
            this.rolling = context.getStateStore(ROLLING_STORE);
            decoded.clear();
            unpublished.clear();
            purgedBefore = null; // a revived task's store may hold what an aborted purge removed
            // the task's days are sent again when it starts: what a crash left unsent is sent now
            try (KeyValueIterator<String, byte[]> all = groups.all()) {
                all.forEachRemaining(entry -> unpublished.add(entry.key));
            }
            context.schedule(settings.updateInterval(), PunctuationType.WALL_CLOCK_TIME, this::update);
            context.schedule(PUBLISH_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::publish);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            Delta delta = Delta.decode(record.value());
            long nowMs = context.currentSystemTimeMs();
            LocalDate windowStart = RunRow.windowStart(nowMs, settings.windowDays());
            Map<String, GroupMetrics> days = new LinkedHashMap<>();
            try {
                if (delta.taken() != null) {
                    dayChange(days, record.key(), delta.taken(), -1, windowStart);
                }
                if (delta.added() != null) {
                    dayChange(days, record.key(), delta.added(), 1, windowStart);
                }
            } catch (RuntimeException e) {
                // the days this record half changed are read from the store again (it fails the task: it was
                // checked before)
                days.keySet().forEach(decoded::remove);
                throw e;
            }
            days.forEach((key, group) -> {
                if (group.isEmpty()) {
                    // the tombstone goes in the same transaction as the delete: once the day is gone from the
                    // store, nothing would send it again after a restart
                    groups.delete(key);
                    decoded.remove(key);
                    unpublished.remove(key);
                    String[] parts = split(key);
                    context.forward(new Record<String, byte[]>(
                            outputKey(parts[0], parts[1], LocalDate.parse(parts[2])), null, record.timestamp()));
                } else {
                    groups.put(key, group.encode());
                    decoded.put(key, group);
                    unpublished.add(key);
                }
            });
            long firstMinute = firstKeptMinute(nowMs);
            if (delta.taken() != null) {
                minutesChange(record.key(), delta.taken(), -1, firstMinute);
            }
            if (delta.added() != null) {
                minutesChange(record.key(), delta.added(), 1, firstMinute);
            }
            settings.metrics().aggregated(delta.sourceTsMs());
        }

        /** Applies a run to its day, if the day is in the window; a take-back that finds nothing is skipped. */
        private void dayChange(
                Map<String, GroupMetrics> days, String typeKey, RunRow run, int sign, LocalDate windowStart) {
            if (!inWindow(run, windowStart)) {
                return;
            }
            String key = groupKey(typeKey, run.startDate());
            GroupMetrics group = days.get(key);
            if (group == null) {
                group = decoded.get(key);
                if (group == null) {
                    byte[] stored = groups.get(key);
                    group = stored == null ? null : GroupMetrics.decode(stored);
                }
            }
            if (sign < 0 && (group == null || !group.canTakeBack(run))) {
                // a run this day never counted: its day was dropped with it (the wall clock went back across a
                // purge) or window.days was raised without a rebuild; nothing is changed, the partition goes on
                settings.metrics().takebackSkipped();
                return;
            }
            if (group == null) {
                group = new GroupMetrics();
            }
            days.put(key, group);
            group.apply(run, sign);
        }

        /** Applies a run to its start and close minutes, those still kept. */
        private void minutesChange(String typeKey, RunRow run, int sign, long firstMinute) {
            long startMinute = minuteOf(run.startMicros());
            if (startMinute >= firstMinute) {
                rollingChange(minuteKey(typeKey, startMinute), minute -> minute.started(sign));
            }
            if (run.closed() && minuteOf(run.closeMicros()) >= firstMinute) {
                rollingChange(minuteKey(typeKey, minuteOf(run.closeMicros())), minute -> minute.closed(run, sign));
            }
        }

        private void rollingChange(String key, java.util.function.Consumer<RollingMetrics> change) {
            RollingMetrics minute = RollingMetrics.decode(rolling.get(key));
            try {
                change.accept(minute);
            } catch (IllegalStateException e) {
                settings.metrics().takebackSkipped();
                return;
            }
            if (minute.isEmpty()) {
                rolling.delete(key);
            } else {
                rolling.put(key, minute.encode());
            }
        }

        private void update(long nowMs) {
            purgeDays(nowMs);
            long firstMinute = firstKeptMinute(nowMs);
            Map<String, Map<String, RollingMetrics>> windows = new HashMap<>();
            long nowMinute = Math.floorDiv(nowMs, 60_000L);
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> all = rolling.all()) {
                while (all.hasNext()) {
                    KeyValue<String, byte[]> entry = all.next();
                    String[] parts = split(entry.key);
                    long minute = Long.parseLong(parts[2]);
                    if (minute < firstMinute) {
                        old.add(entry.key);
                        continue;
                    }
                    String typeKey = RunRow.typeKey(parts[0], parts[1]);
                    RollingMetrics value = RollingMetrics.decode(entry.value);
                    for (Map.Entry<String, Integer> window : WINDOWS.entrySet()) {
                        if (minute > nowMinute - window.getValue() && minute <= nowMinute) {
                            windows.computeIfAbsent(typeKey, k -> new HashMap<>())
                                    .computeIfAbsent(window.getKey(), k -> new RollingMetrics())
                                    .addAll(value);
                        }
                    }
                }
            }
            old.forEach(rolling::delete);
            Set<String> seen = new HashSet<>();
            windows.forEach((typeKey, byWindow) -> {
                int split = typeKey.indexOf('\0');
                String namespace = typeKey.substring(0, split);
                String type = typeKey.substring(split + 1);
                for (String window : WINDOWS.keySet()) {
                    settings.metrics()
                            .rolling(namespace, type, window, byWindow.getOrDefault(window, new RollingMetrics()));
                }
                seen.add(typeKey);
            });
            for (String gone : gaugedTypes) {
                if (!seen.contains(gone)) {
                    retire(gone);
                }
            }
            gaugedTypes.clear();
            gaugedTypes.addAll(seen);
        }

        /** Sends the days changed since the last time to the output topic: each day's row, or a tombstone. */
        private void publish(long nowMs) {
            for (String key : unpublished) {
                String[] parts = split(key);
                LocalDate date = LocalDate.parse(parts[2]);
                GroupMetrics group = decoded.get(key);
                if (group == null) {
                    byte[] stored = groups.get(key);
                    group = stored == null ? null : GroupMetrics.decode(stored);
                }
                context.forward(new Record<>(
                        outputKey(parts[0], parts[1], date),
                        group == null
                                ? null
                                : group.toJson(parts[0], parts[1], date)
                                        .toString()
                                        .getBytes(StandardCharsets.UTF_8),
                        nowMs));
            }
            unpublished.clear();
        }

        /** Once a day (by the wall clock): drops the days that left the window, and their rows from the topic. */
        private void purgeDays(long nowMs) {
            LocalDate windowStart = RunRow.windowStart(nowMs, settings.windowDays());
            if (windowStart.equals(purgedBefore)) {
                return;
            }
            List<String> old = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> all = groups.all()) {
                while (all.hasNext()) {
                    String key = all.next().key;
                    if (LocalDate.parse(split(key)[2]).isBefore(windowStart)) {
                        old.add(key);
                    }
                }
            }
            for (String key : old) {
                String[] parts = split(key);
                groups.delete(key);
                decoded.remove(key);
                unpublished.remove(key);
                context.forward(new Record<String, byte[]>(
                        outputKey(parts[0], parts[1], LocalDate.parse(parts[2])), null, nowMs));
            }
            purgedBefore = windowStart;
        }

        private void retire(String typeKey) {
            int split = typeKey.indexOf('\0');
            settings.metrics().retireRolling(typeKey.substring(0, split), typeKey.substring(split + 1));
        }

        @Override
        public void close() {
            gaugedTypes.forEach(this::retire);
            gaugedTypes.clear();
        }
    }
}
