package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PipelineSettingsTest {

    private final PipelineSettings settings = PipelineSettings.named(
            "crash-ab12c-3",
            "jdbc:postgresql://127.0.0.1:54321/test-db?user=temporal",
            "127.0.0.1:9092",
            "http://127.0.0.1:9200",
            "redis://127.0.0.1:6379",
            Path.of("logs"));

    @Test
    void shouldTakeDatabaseCoordinatesFromTheJdbcUrl() {
        assertThat(settings.databaseHost()).isEqualTo("127.0.0.1");
        assertThat(settings.databasePort()).isEqualTo(54321);
        assertThat(settings.databaseName()).isEqualTo("test-db");
        assertThat(settings.databaseUser()).isEqualTo("temporal");
    }

    @Test
    void shouldDeriveNamesThatPostgresAcceptsForSlotAndPublication() {
        assertThat(settings.slotName()).matches("[a-z0-9_]+");
        assertThat(settings.publicationName()).matches("[a-z0-9_]+");
        assertThat(settings.visibilityTopic()).isEqualTo("crash-ab12c-3.temporal_visibility.executions");
    }

    @Test
    void shouldPassEveryRequiredKeyToEachApp() {
        assertThat(Pipeline.cdcSourceSettings(settings))
                .contains(
                        "kafka.bootstrap.servers=127.0.0.1:9092",
                        "database.hostname=127.0.0.1",
                        "database.port=54321",
                        "database.user=temporal",
                        "database.dbname=test-db",
                        "topic.prefix=crash-ab12c-3",
                        "slot.name=slot_crash_ab12c_3");
        assertThat(Pipeline.indexerSettings(settings))
                .contains(
                        "elasticsearch.url=http://127.0.0.1:9200", "application.id=crash-ab12c-3-indexer",
                        "index.prefix=crash-ab12c-3_visibility", "index.replicas=0");
        assertThat(Pipeline.invalidatorSettings(settings))
                .contains(
                        "kafka.bootstrap.servers=127.0.0.1:9092",
                        "application.id=crash-ab12c-3-invalidator",
                        "topic.prefix=crash-ab12c-3",
                        "redis.uri=redis://127.0.0.1:6379",
                        "database.url=jdbc:postgresql://127.0.0.1:54321/test-db?user=temporal",
                        "database.user=temporal",
                        "streams.state.dir=" + Path.of("logs", "state-crash-ab12c-3-invalidator"));
    }

    @Test
    void shouldGiveEachAppItsOwnConsumerGroup() {
        assertThat(settings.invalidatorApplicationId())
                .isNotEqualTo(settings.applicationId())
                .startsWith("crash-ab12c-3");
    }

    @Test
    void shouldRefuseAPipelineWithoutRedis() {
        PipelineSettings withoutRedis = PipelineSettings.named(
                "bench-1", "jdbc:postgresql://127.0.0.1:54321/db?user=u", "k:1", "http://e:1", null, Path.of("logs"));

        assertThat(withoutRedis.redisUri()).isNull();
        assertThatThrownBy(() -> new Pipeline(withoutRedis))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Redis");
    }

    @Test
    void shouldRunTheAggregatorOnlyWhenAskedNamingItAfterThePrefix() {
        assertThat(settings.metricsApplicationId()).isNull();

        PipelineSettings withMetrics = settings.withMetrics();

        assertThat(withMetrics.metricsApplicationId()).isEqualTo("crash-ab12c-3-metrics");
        assertThat(Pipeline.aggregatorSettings(withMetrics))
                .contains(
                        "application.id=crash-ab12c-3-metrics",
                        "topic.prefix=crash-ab12c-3",
                        "kafka.bootstrap.servers=127.0.0.1:9092",
                        "http.host=127.0.0.1");
    }
}
