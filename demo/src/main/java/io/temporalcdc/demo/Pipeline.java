package io.temporalcdc.demo;

import java.time.Duration;
import java.util.List;

/**
 * The two deployables of the visibility path as processes: cdc-source (PostgreSQL → Kafka) and
 * visibility-indexer (Kafka → Elasticsearch), configured from one {@link PipelineSettings}.
 */
public final class Pipeline implements AutoCloseable {

    /** How long a deployable may take to report UP. */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private final PipelineSettings settings;
    private final Deployable cdcSource;
    private final Deployable indexer;

    Pipeline(PipelineSettings settings) {
        this.settings = settings;
        this.cdcSource = new Deployable("cdc-source", cdcSourceSettings(settings), settings.logDir());
        this.indexer = new Deployable("visibility-indexer", indexerSettings(settings), settings.logDir());
    }

    /** Starts both processes and waits until both report UP on /health. */
    public static Pipeline start(PipelineSettings settings) {
        Pipeline pipeline = new Pipeline(settings);
        try {
            pipeline.startAll();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /** Starts cdc-source, then the indexer, each waited for until UP. */
    void startAll() {
        cdcSource.start(READY_TIMEOUT);
        indexer.start(READY_TIMEOUT);
    }

    public PipelineSettings settings() {
        return settings;
    }

    public Deployable cdcSource() {
        return cdcSource;
    }

    public Deployable indexer() {
        return indexer;
    }

    /** The alias the indexer writes through. */
    public String alias() {
        return settings.indexPrefix();
    }

    @Override
    public void close() {
        // the indexer first: it no longer has anything to read once the source stops
        try {
            indexer.close();
        } finally {
            cdcSource.close();
        }
    }

    public static List<String> cdcSourceSettings(PipelineSettings s) {
        return List.of(
                "kafka.bootstrap.servers=" + s.kafkaBootstrapServers(),
                "database.hostname=" + s.databaseHost(),
                "database.port=" + s.databasePort(),
                "database.user=" + s.databaseUser(),
                "database.dbname=" + s.databaseName(),
                "topic.prefix=" + s.topicPrefix(),
                "slot.name=" + s.slotName(),
                "publication.name=" + s.publicationName());
    }

    public static List<String> indexerSettings(PipelineSettings s) {
        return List.of(
                "kafka.bootstrap.servers=" + s.kafkaBootstrapServers(),
                "application.id=" + s.applicationId(),
                "topic.prefix=" + s.topicPrefix(),
                "elasticsearch.url=" + s.elasticsearchUrl(),
                "index.prefix=" + s.indexPrefix(),
                "index.shards=1",
                "index.replicas=0",
                "index.refresh.interval=1s",
                // commit often so that the consumer lag the demo shows (and drains on) is current
                "streams.commit.interval.ms=1000",
                // the joiner's state next to the run's logs, not in the shared /tmp/kafka-streams
                "streams.state.dir=" + s.logDir().resolve("state-" + s.applicationId()));
    }
}
