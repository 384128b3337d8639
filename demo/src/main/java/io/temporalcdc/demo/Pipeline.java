package io.temporalcdc.demo;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The deployables as processes: cdc-source (PostgreSQL → Kafka), visibility-indexer (Kafka → Elasticsearch),
 * cache-invalidator (Kafka → Redis invalidations and fences) and metrics-aggregator (Kafka → workflow metrics,
 * served on its HTTP port), configured from one {@link PipelineSettings}.
 */
public final class Pipeline implements AutoCloseable {

    /** How long a deployable may take to report UP. */
    public static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    /**
     * The region a pipeline runs in, among several: its cdc-source labels its changes with {@code name}
     * ({@code region}), and its indexer and invalidator read every region's change topics ({@code regions}, {@code
     * local.region}: the others' as MirrorMaker 2 mirrors them into this region's Kafka).
     *
     * @param name this pipeline's region
     * @param regions every region, this one included
     */
    public record Region(String name, List<String> regions) {
        public Region {
            regions = List.copyOf(regions);
            if (!regions.contains(name)) {
                throw new IllegalArgumentException("region " + name + " is not one of " + regions);
            }
        }

        List<String> sourceSettings() {
            return List.of("region=" + name);
        }

        List<String> appSettings() {
            return List.of("regions=" + String.join(",", regions), "local.region=" + name);
        }
    }

    private final PipelineSettings settings;
    private final Deployable cdcSource;
    private final Deployable indexer;
    private final Deployable invalidator;
    private final Deployable aggregator;

    Pipeline(PipelineSettings settings) {
        this(settings, null);
    }

    /** @param region the pipeline's region among several; null for one region */
    Pipeline(PipelineSettings settings, Region region) {
        if (settings.redisUri() == null) {
            throw new IllegalArgumentException("a pipeline runs the cache invalidator, and these settings name no"
                    + " Redis: build them with PipelineSettings.named(unique, jdbcUrl, kafka, elasticsearch, redis,"
                    + " logDir)");
        }
        this.settings = settings;
        this.cdcSource = new Deployable(
                "cdc-source",
                with(cdcSourceSettings(settings), region == null ? List.of() : region.sourceSettings()),
                settings.logDir());
        this.indexer = new Deployable(
                "visibility-indexer",
                with(indexerSettings(settings), region == null ? List.of() : region.appSettings()),
                settings.logDir());
        this.invalidator = new Deployable(
                "cache-invalidator",
                with(invalidatorSettings(settings), region == null ? List.of() : region.appSettings()),
                settings.logDir());
        this.aggregator = settings.metricsApplicationId() == null
                ? null
                : new Deployable("metrics-aggregator", aggregatorSettings(settings), settings.logDir());
    }

    /** Starts the four processes and waits until each reports UP on /health. */
    public static Pipeline start(PipelineSettings settings) {
        return start(settings, null);
    }

    /** Starts the processes of one region among several (see {@link Region}) and waits until each reports UP. */
    public static Pipeline start(PipelineSettings settings, Region region) {
        Pipeline pipeline = new Pipeline(settings, region);
        try {
            pipeline.startAll();
            return pipeline;
        } catch (RuntimeException e) {
            pipeline.close();
            throw e;
        }
    }

    /**
     * Starts cdc-source (it creates the change topics) and waits until it is UP, then the indexer, the invalidator
     * and the aggregator (when the settings name one) side by side (none needs another), and waits until all are.
     */
    void startAll() {
        cdcSource.start(READY_TIMEOUT);
        CompletableFuture<Void> invalidatorUp = startInBackground(invalidator);
        CompletableFuture<Void> aggregatorUp =
                aggregator == null ? CompletableFuture.completedFuture(null) : startInBackground(aggregator);
        try {
            indexer.start(READY_TIMEOUT);
        } finally {
            try {
                awaitStarted(invalidatorUp);
            } finally {
                awaitStarted(aggregatorUp);
            }
        }
    }

    private static CompletableFuture<Void> startInBackground(Deployable deployable) {
        CompletableFuture<Void> up = new CompletableFuture<>();
        Thread.ofPlatform().name("start-" + deployable.name()).start(() -> {
            try {
                deployable.start(READY_TIMEOUT);
                up.complete(null);
            } catch (RuntimeException e) {
                up.completeExceptionally(e);
            }
        });
        return up;
    }

    /** Waits for a start on another thread; its failure is rethrown here, as the caller's own would be. */
    private static void awaitStarted(CompletableFuture<Void> started) {
        try {
            started.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
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

    public Deployable invalidator() {
        return invalidator;
    }

    /** The metrics aggregator; only in a pipeline whose settings name its application id. */
    public Deployable aggregator() {
        if (aggregator == null) {
            throw new IllegalStateException("this pipeline runs no metrics aggregator (no metricsApplicationId)");
        }
        return aggregator;
    }

    /** The base URL of the aggregator's query API: {@code http://127.0.0.1:PORT}. */
    public String metricsUrl() {
        return "http://127.0.0.1:" + aggregator().httpPort();
    }

    /** The alias the indexer writes through. */
    public String alias() {
        return settings.indexPrefix();
    }

    @Override
    public void close() {
        // the readers of Kafka first: they no longer have anything to read once the source stops
        try {
            if (aggregator != null) {
                aggregator.close();
            }
        } finally {
            try {
                invalidator.close();
            } finally {
                try {
                    indexer.close();
                } finally {
                    cdcSource.close();
                }
            }
        }
    }

    private static List<String> with(List<String> settings, List<String> more) {
        List<String> all = new java.util.ArrayList<>(settings);
        all.addAll(more);
        return all;
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
                "publication.name=" + s.publicationName(),
                "format=" + (s.avro() ? "avro" : "json"),
                "schema.registry.url=" + s.registrySetting());
    }

    public static List<String> indexerSettings(PipelineSettings s) {
        return List.of(
                "kafka.bootstrap.servers=" + s.kafkaBootstrapServers(),
                "application.id=" + s.applicationId(),
                "schema.registry.url=" + s.registrySetting(),
                "topic.prefix=" + s.topicPrefix(),
                "elasticsearch.url=" + s.elasticsearchUrl(),
                "index.prefix=" + s.indexPrefix(),
                "index.shards=1",
                "index.replicas=0",
                "index.refresh.interval=1s",
                // the seed's migrate_add_search_attribute() adds customer_id: indexed as CustomerId once it exists
                "search.attributes=CustomerId:Keyword",
                // commit often so that the consumer lag the demo shows (and drains on) is current
                "streams.commit.interval.ms=1000",
                // the joiner's state next to the run's logs, not in the shared /tmp/kafka-streams
                "streams.state.dir=" + s.logDir().resolve("state-" + s.applicationId()));
    }

    public static List<String> aggregatorSettings(PipelineSettings s) {
        return List.of(
                "kafka.bootstrap.servers=" + s.kafkaBootstrapServers(),
                "application.id=" + s.metricsApplicationId(),
                "schema.registry.url=" + s.registrySetting(),
                "topic.prefix=" + s.topicPrefix(),
                // the API is reached (and advertised to other instances) on the loopback address
                "http.host=127.0.0.1",
                "streams.state.dir=" + s.logDir().resolve("state-" + s.metricsApplicationId()));
    }

    public static List<String> invalidatorSettings(PipelineSettings s) {
        return List.of(
                "kafka.bootstrap.servers=" + s.kafkaBootstrapServers(),
                "application.id=" + s.invalidatorApplicationId(),
                "schema.registry.url=" + s.registrySetting(),
                "topic.prefix=" + s.topicPrefix(),
                "redis.uri=" + s.redisUri(),
                "database.url=" + s.jdbcUrl(),
                // its default is "postgres": the URL's own user would be overridden
                "database.user=" + s.databaseUser(),
                "streams.commit.interval.ms=1000",
                "streams.state.dir=" + s.logDir().resolve("state-" + s.invalidatorApplicationId()));
    }
}
