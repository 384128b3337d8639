package io.temporalcdc.runtime.streams;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.temporalcdc.runtime.AppContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams client as every app runs it: its state reported as readiness (ready while RUNNING, the state as
 * the reason otherwise), a stream thread's uncaught exception failing the app (exit 1; the restart resumes from the
 * committed offsets), its metrics bound to the app's registry, and {@link #close()} leaving the group at once so a
 * restarted instance gets the partitions without waiting for the session timeout. Apps whose output is a topic (or
 * their own state, as the metrics aggregator's) run it alone; a sink app runs it inside {@link StreamsWithSink}.
 */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    /** Told each time the client's readiness changes. */
    @FunctionalInterface
    public interface Readiness {
        void streams(boolean running, String reason);
    }

    private final AppContext ctx;
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics metrics;

    private StreamsRunner(AppContext ctx, KafkaStreams streams) {
        this.ctx = ctx;
        this.streams = streams;
        this.metrics = new KafkaStreamsMetrics(streams);
    }

    /**
     * Creates the client (not started) with its readiness reported straight to {@code ctx}.
     *
     * @param properties from {@link StreamsDefaults#properties}
     */
    public static StreamsRunner create(Topology topology, Map<String, Object> properties, AppContext ctx) {
        return create(topology, properties, ctx, ctx::ready);
    }

    /**
     * Creates the client (not started), telling {@code readiness} of its state.
     *
     * @param properties from {@link StreamsDefaults#properties}
     */
    public static StreamsRunner create(
            Topology topology, Map<String, Object> properties, AppContext ctx, Readiness readiness) {
        long graceMs = rebalanceGraceMs(properties);
        KafkaStreams created = new KafkaStreams(topology, new StreamsConfig(properties));
        AtomicLong transitions = new AtomicLong();
        created.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            long transition = transitions.incrementAndGet();
            if (now == KafkaStreams.State.REBALANCING && before == KafkaStreams.State.RUNNING && graceMs > 0) {
                // a running app that rebalances (an instance joined or left) can still do its work: ready for a while
                readiness.streams(true, "Kafka Streams is REBALANCING");
                Thread.ofVirtual().name("rebalance-grace").start(() -> {
                    try {
                        Thread.sleep(graceMs);
                    } catch (InterruptedException e) {
                        return;
                    }
                    if (transitions.get() == transition) {
                        readiness.streams(false, "Kafka Streams has been REBALANCING for more than " + graceMs + " ms");
                    }
                });
                return;
            }
            readiness.streams(now == KafkaStreams.State.RUNNING, "Kafka Streams is " + now);
        });
        created.setUncaughtExceptionHandler(e -> {
            ctx.fail("stream thread failed: " + e.getMessage(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        StreamsRunner runner = new StreamsRunner(ctx, created);
        runner.metrics.bindTo(ctx.registry());
        return runner;
    }

    /**
     * Streams property: how long a running app stays ready while it rebalances (ms; 0: not ready while rebalancing).
     * Set from {@code health.rebalance.grace.ms} by {@link StreamsDefaults#properties}.
     */
    public static final String REBALANCE_GRACE_MS = "temporalcdc.rebalance.grace.ms";

    static long rebalanceGraceMs(Map<String, Object> properties) {
        Object value = properties.get(REBALANCE_GRACE_MS);
        return value == null ? StreamsAppKeys.DEFAULT_REBALANCE_GRACE_MS : Long.parseLong(value.toString());
    }

    /** The client: for interactive queries and its metadata. */
    public KafkaStreams streams() {
        return streams;
    }

    /** Starts the client. */
    public void start() {
        streams.start();
    }

    @Override
    public void close() {
        boolean closed = streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        if (!closed) {
            ctx.fail("Kafka Streams did not close within " + CLOSE_TIMEOUT.toSeconds() + " s", null);
        }
        metrics.close();
    }
}
