package io.temporalcdc.runtime.streams;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.sink.AcknowledgingSink;
import io.temporalcdc.runtime.sink.SinkWriter;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * The shape of every sink app: a Kafka Streams topology (change topics → the app's output topic) and an {@link
 * AcknowledgingSink} (output topic → the external system, offsets committed only past what it acknowledged), which
 * share nothing but topics. Ready while Kafka Streams is RUNNING and the sink's writes succeed (the reason of the
 * first part that is not); either part failing for good fails the app (exit 1), and the restart resumes from the
 * committed offsets. {@link #close()} stops the topology first (so its last records are produced), then the sink,
 * then the dead-letter producer and the metric binders, and closes whatever a half-done start-up created.
 */
public final class StreamsWithSink implements AutoCloseable {

    /**
     * What to run.
     *
     * @param topology the app's topology
     * @param streamsProperties from {@link StreamsDefaults#properties}
     * @param kafkaClientProperties {@code kafka.*}, for the sink's consumer and dead-letter producer
     * @param sink the sink's settings; its consumer group is {@code <application.id>-sink}
     * @param writer writes to the external system
     * @param systemName the external system, for messages ("Elasticsearch", "Redis")
     */
    public record Parts(
            Topology topology,
            Map<String, Object> streamsProperties,
            Map<String, Object> kafkaClientProperties,
            AcknowledgingSink.Settings sink,
            SinkWriter writer,
            String systemName) {
        public Parts {
            Objects.requireNonNull(topology, "topology");
            Objects.requireNonNull(writer, "writer");
            streamsProperties = Map.copyOf(streamsProperties);
            kafkaClientProperties = Map.copyOf(kafkaClientProperties);
        }

        /** @return the Kafka Streams application id */
        public String applicationId() {
            return String.valueOf(streamsProperties.get(StreamsConfig.APPLICATION_ID_CONFIG));
        }
    }

    private final AppContext ctx;
    private final Health health;
    private StreamsRunner streams;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaClientMetrics consumerMetrics;
    private AcknowledgingSink sink;
    private boolean sinkStarted;
    private Producer<byte[], byte[]> dlqProducer;

    private StreamsWithSink(AppContext ctx) {
        this.ctx = ctx;
        this.health = new Health(ctx);
    }

    /** Starts both parts; on failure closes what was created and rethrows. */
    public static StreamsWithSink start(Parts parts, AppContext ctx) {
        StreamsWithSink running = new StreamsWithSink(ctx);
        try {
            running.streams =
                    StreamsRunner.create(parts.topology(), parts.streamsProperties(), ctx, running.health::streams);
            running.consumer = new KafkaConsumer<>(
                    sinkConsumerProperties(parts), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            running.consumerMetrics = new KafkaClientMetrics(running.consumer);
            running.consumerMetrics.bindTo(ctx.registry());
            running.dlqProducer = new KafkaProducer<>(
                    deadLetterProducerProperties(parts), new ByteArraySerializer(), new ByteArraySerializer());
            running.sink = running.sink(parts);
            running.streams.start();
            running.sink.start();
            running.sinkStarted = true;
        } catch (RuntimeException | Error e) {
            running.close();
            throw e;
        }
        return running;
    }

    private AcknowledgingSink sink(Parts parts) {
        return new AcknowledgingSink(
                parts.sink(),
                consumer,
                parts.writer(),
                dlqProducer,
                new AcknowledgingSink.Listener() {
                    @Override
                    public void healthy(boolean healthy, String reason) {
                        health.sink(healthy, reason);
                    }

                    @Override
                    public void failed(String reason, Throwable cause) {
                        ctx.fail(parts.systemName() + " sink failed: " + reason, cause);
                    }
                },
                ctx.registry());
    }

    /** @return the sink's consumer group for an application id: {@code <application.id>-sink} */
    public static String sinkGroupId(String applicationId) {
        return applicationId + "-sink";
    }

    static Map<String, Object> sinkConsumerProperties(Parts parts) {
        return AcknowledgingSink.consumerProperties(parts.kafkaClientProperties(), sinkGroupId(parts.applicationId()));
    }

    private static Map<String, Object> deadLetterProducerProperties(Parts parts) {
        return AcknowledgingSink.deadLetterProducerProperties(
                parts.kafkaClientProperties(), sinkGroupId(parts.applicationId()) + "-dlq");
    }

    @Override
    public void close() {
        ctx.ready(false, "stopping");
        if (streams != null) {
            streams.close();
        }
        if (sinkStarted) {
            sink.close();
        } else if (consumer != null) {
            consumer.close(Duration.ofSeconds(2));
        }
        if (dlqProducer != null) {
            dlqProducer.close(Duration.ofSeconds(2));
        }
        if (consumerMetrics != null) {
            consumerMetrics.close();
        }
    }

    /** Readiness: Kafka Streams RUNNING and the sink's writes succeeding; the reason of the first that is not. */
    private static final class Health {
        private final AppContext ctx;
        private boolean streamsUp;
        private boolean sinkUp = true;
        private String streamsReason = "Kafka Streams is starting";
        private String sinkReason = "";

        Health(AppContext ctx) {
            this.ctx = ctx;
        }

        synchronized void streams(boolean up, String reason) {
            streamsUp = up;
            streamsReason = reason;
            report();
        }

        synchronized void sink(boolean up, String reason) {
            sinkUp = up;
            sinkReason = reason;
            report();
        }

        private void report() {
            ctx.ready(streamsUp && sinkUp, !streamsUp ? streamsReason : sinkReason);
        }
    }
}
