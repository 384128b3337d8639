package io.temporalcdc.indexer;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.temporalcdc.indexer.elasticsearch.ElasticsearchEsWriter;
import io.temporalcdc.indexer.elasticsearch.EsConnection;
import io.temporalcdc.indexer.elasticsearch.IndexInstaller;
import io.temporalcdc.indexer.elasticsearch.IndexTemplates.IndexSettings;
import io.temporalcdc.runtime.App;
import io.temporalcdc.runtime.AppContext;
import io.temporalcdc.runtime.JsonChangeEventDecoder;
import io.temporalcdc.runtime.Preflight;
import io.temporalcdc.runtime.RetryPolicy;
import io.temporalcdc.schemas.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The visibility indexer deployable: checks Kafka and Elasticsearch, installs the index, then runs the
 * {@link VisibilityIndexerTopology} in Kafka Streams until SIGTERM. Ready (for {@code /health}) while Kafka
 * Streams is RUNNING; a stream thread failure (e.g. Elasticsearch unreachable after the retries) stops the
 * app with exit code 1, and the restart resumes from the committed offsets.
 */
public final class VisibilityIndexerApp {
    /** Default port of {@code /health} and {@code /metrics}. */
    public static final int DEFAULT_HTTP_PORT = 8082;

    private static final Logger LOG = LoggerFactory.getLogger(VisibilityIndexerApp.class);
    private static final Duration KAFKA_PREFLIGHT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(20);

    private VisibilityIndexerApp() {}

    public static void main(String[] args) {
        App.run(
                "visibility-indexer",
                args,
                VisibilityIndexerConfig.DEF,
                DEFAULT_HTTP_PORT,
                VisibilityIndexerApp::start);
    }

    /** The {@link App.Starter}: returns what closes the running indexer. */
    public static AutoCloseable start(Map<String, String> settings, AppContext ctx) throws Exception {
        VisibilityIndexerConfig config = new VisibilityIndexerConfig(settings);
        Preflight.kafka(
                VisibilityIndexerConfig.KAFKA_BOOTSTRAP_SERVERS,
                config.kafkaClientProperties(),
                KAFKA_PREFLIGHT_TIMEOUT);
        EsConnection es = EsConnection.open(
                config.elasticsearchUrls(),
                config.getString(VisibilityIndexerConfig.ELASTICSEARCH_USERNAME),
                config.elasticsearchPassword());
        try {
            return startWith(config, es, ctx);
        } catch (Exception | Error e) {
            es.close();
            throw e;
        }
    }

    private static AutoCloseable startWith(VisibilityIndexerConfig config, EsConnection es, AppContext ctx) {
        IndexSettings index = indexSettings(config);
        Preflight.check(
                VisibilityIndexerConfig.ELASTICSEARCH_URL,
                "Elasticsearch at " + config.elasticsearchUrls() + " (GET _cluster/health)",
                () -> es.client().cluster().health());
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        Preflight.check(VisibilityIndexerConfig.TOPIC_PREFIX, "preparing the topics", () -> {
            KafkaTopics.ensure(
                    config.kafkaClientProperties(),
                    List.of(Topics.visibilityExecutions(prefix), Topics.visibilityIndexerDlq(prefix)));
            return null;
        });
        Preflight.check(
                VisibilityIndexerConfig.INDEX_PREFIX,
                "installing the index " + index.alias(),
                () -> new IndexInstaller(
                                es.rest(), index, config.getBoolean(VisibilityIndexerConfig.INDEX_LIFECYCLE_ENABLED))
                        .install());
        EsWriter writer = new ElasticsearchEsWriter(es.client(), index.alias());
        Topology topology = VisibilityIndexerTopology.build(
                new VisibilityIndexerTopology.Settings(prefix, RetryPolicy.defaults(), ctx.registry()),
                writer,
                new JsonChangeEventDecoder());
        KafkaStreams streams = new KafkaStreams(topology, new StreamsConfig(streamsProperties(config, ctx)));
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            ctx.ready(now == KafkaStreams.State.RUNNING);
        });
        streams.setUncaughtExceptionHandler(e -> {
            ctx.fail("stream thread failed: " + e.getMessage(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        KafkaStreamsMetrics streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(ctx.registry());
        streams.start();
        LOG.info(
                "Indexing {} into {} (dead letters: {})",
                Topics.visibilityExecutions(prefix),
                index.alias(),
                Topics.visibilityIndexerDlq(prefix));
        return () -> {
            ctx.ready(false);
            // leave the group at once, so a restarted instance gets the partitions without waiting for the session
            // timeout
            streams.close(CloseOptions.timeout(CLOSE_TIMEOUT)
                    .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            streamsMetrics.close();
            writer.close();
            es.close();
        };
    }

    static IndexSettings indexSettings(VisibilityIndexerConfig config) {
        return new IndexSettings(
                config.getString(VisibilityIndexerConfig.INDEX_PREFIX),
                config.getInt(VisibilityIndexerConfig.INDEX_SHARDS),
                config.getInt(VisibilityIndexerConfig.INDEX_REPLICAS),
                config.getString(VisibilityIndexerConfig.INDEX_REFRESH_INTERVAL));
    }

    static Map<String, Object> streamsProperties(VisibilityIndexerConfig config, AppContext ctx) {
        Map<String, Object> props = config.streamsProperties();
        String prefix = config.getString(VisibilityIndexerConfig.TOPIC_PREFIX);
        props.putIfAbsent(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationHandler.class);
        props.putIfAbsent(
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, CountingProductionExceptionHandler.class);
        props.put(DeadLetterDeserializationHandler.DLQ_TOPIC, Topics.visibilityIndexerDlq(prefix));
        props.put(DeadLetterDeserializationHandler.METRICS, new IndexerMetrics(ctx.registry()));
        return props;
    }
}
