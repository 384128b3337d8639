package io.temporalcdc.indexer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporalcdc.runtime.ConfigValidation;
import io.temporalcdc.runtime.InvalidConfigException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VisibilityIndexerConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        settings.put("elasticsearch.url", "http://127.0.0.1:9200");
        return settings;
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        VisibilityIndexerConfig config = new VisibilityIndexerConfig(minimal());

        assertThat(config.getString(VisibilityIndexerConfig.APPLICATION_ID))
                .isEqualTo("temporal-cdc-visibility-indexer");
        assertThat(config.getString(VisibilityIndexerConfig.TOPIC_PREFIX)).isEqualTo("temporal");
        assertThat(config.getString(VisibilityIndexerConfig.INDEX_PREFIX)).isEqualTo("temporal_visibility_v1");
        assertThat(config.getInt(VisibilityIndexerConfig.INDEX_SHARDS)).isEqualTo(3);
        assertThat(config.getInt(VisibilityIndexerConfig.INDEX_REPLICAS)).isEqualTo(1);
        assertThat(config.getString(VisibilityIndexerConfig.INDEX_REFRESH_INTERVAL))
                .isEqualTo("5s");
        assertThat(config.elasticsearchPassword()).isNull();
        assertThat(config.elasticsearchUrls()).containsExactly(URI.create("http://127.0.0.1:9200"));
    }

    @Test
    void shouldBuildStreamsPropertiesWithPassthroughsInOrderOfPrecedence() {
        Map<String, String> settings = minimal();
        settings.put("kafka.security.protocol", "PLAINTEXT");
        settings.put("kafka.commit.interval.ms", "700");
        settings.put("streams.commit.interval.ms", "300");
        settings.put("application.id", "my-indexer");

        Map<String, Object> props = new VisibilityIndexerConfig(settings).streamsProperties();

        assertThat(props)
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("commit.interval.ms", "300")
                .containsEntry("application.id", "my-indexer")
                .containsEntry("processing.guarantee", "at_least_once")
                .containsEntry("session.timeout.ms", 10_000);
    }

    @Test
    void shouldCommitEverySecondByDefault() {
        assertThat(new VisibilityIndexerConfig(minimal()).streamsProperties())
                .containsEntry("commit.interval.ms", 1_000);
    }

    @Test
    void shouldReportEveryMissingRequiredKey() {
        assertThatThrownBy(() -> ConfigValidation.validateAll(VisibilityIndexerConfig.DEF, Map.of()))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("kafka.bootstrap.servers"))
                                .anyMatch(p -> p.startsWith("elasticsearch.url")));
    }

    @Test
    void shouldRejectInvalidValuesNamingTheKey() {
        Map<String, String> settings = minimal();
        settings.put("elasticsearch.url", "127.0.0.1:9200");
        settings.put("index.prefix", "Upper_Case");
        settings.put("index.refresh.interval", "soon");
        settings.put("index.shards", "0");

        assertThatThrownBy(() -> ConfigValidation.validateAll(VisibilityIndexerConfig.DEF, settings))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .anyMatch(p -> p.startsWith("elasticsearch.url"))
                                .anyMatch(p -> p.startsWith("index.prefix"))
                                .anyMatch(p -> p.startsWith("index.refresh.interval"))
                                .anyMatch(p -> p.startsWith("index.shards")));
    }

    @Test
    void shouldDefaultToTheSeedsLifecycleTheSeedAttributesAndATwoMinuteRetryBound() {
        VisibilityIndexerConfig config = new VisibilityIndexerConfig(minimal());

        assertThat(config.getBoolean(VisibilityIndexerConfig.INDEX_LIFECYCLE_ENABLED))
                .as("rollover-aware writes make the seed's ILM safe: on by default")
                .isTrue();
        assertThat(config.duration(VisibilityIndexerConfig.RETRY_MAX_DURATION))
                .isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(config.duration(VisibilityIndexerConfig.BULK_LINGER)).isEqualTo(java.time.Duration.ofMillis(50));
        assertThat(config.getInt(VisibilityIndexerConfig.BULK_MAX_ACTIONS)).isEqualTo(500);
        assertThat(config.searchAttributes().types()).hasSize(6);
        assertThat(config.versionEpochs().epochOf(System.currentTimeMillis())).isZero();
    }

    @Test
    void shouldReportEveryInvalidNewKeyAtOnce() {
        Map<String, String> settings = minimal();
        settings.put("search.attributes", "CustomIntField:Text,Broken");
        settings.put("search.attributes.unknown", "ignore");
        settings.put("version.epoch.starts", "2026-06-01T00:00:00Z,2026-01-01T00:00:00Z");
        settings.put("elasticsearch.retry.max.duration", "forever");
        settings.put("index.gc.deletes", "sometimes");

        assertThatThrownBy(() -> ConfigValidation.validateAll(VisibilityIndexerConfig.DEF, settings))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(5)
                                .anySatisfy(p -> assertThat(p).startsWith("search.attributes:"))
                                .anySatisfy(p -> assertThat(p).startsWith("search.attributes.unknown:"))
                                .anySatisfy(p -> assertThat(p)
                                        .startsWith("version.epoch.starts:")
                                        .contains("increasing"))
                                .anySatisfy(p -> assertThat(p).startsWith("elasticsearch.retry.max.duration:"))
                                .anySatisfy(p -> assertThat(p).startsWith("index.gc.deletes:")));
    }

    @Test
    void shouldPairTheTemporalSourceProfileWithTheTemporalIndexOnly() {
        Map<String, String> temporal = minimal();
        temporal.put("source.profile", "temporal-v12");
        VisibilityIndexerConfig config = new VisibilityIndexerConfig(temporal);
        assertThat(config.temporalProfile()).isTrue();
        assertThat(config.getString(VisibilityIndexerConfig.TEMPORAL_INDEX_NAME))
                .isEqualTo("temporal_visibility_v1_dev");
        assertThat(config.getString(VisibilityIndexerConfig.VISIBILITY_SCHEMA)).isEqualTo("public");
        assertThat(VisibilityIndexerApp.changeTopics(config)).containsExactly("temporal.public.executions_visibility");

        temporal.put("index.profile", "temporal");
        assertThat(new VisibilityIndexerConfig(temporal).temporalProfile()).isTrue();
        temporal.put("index.profile", "seed");
        assertThatThrownBy(() -> new VisibilityIndexerConfig(temporal))
                .hasMessageContaining("index.profile")
                .hasMessageContaining("writes the temporal index profile");
        Map<String, String> seed = minimal();
        seed.put("index.profile", "temporal");
        assertThatThrownBy(() -> new VisibilityIndexerConfig(seed))
                .hasMessageContaining("writes the seed index profile");

        temporal.remove("index.profile");
        temporal.put("regions", "a,b");
        temporal.put("local.region", "a");
        assertThatThrownBy(() -> new VisibilityIndexerConfig(temporal)).hasMessageContaining("reads one region");
        temporal.remove("regions");
        temporal.remove("local.region");
        temporal.put("temporal.search.attribute.aliases", "CustomerId:Keyword01");
        assertThatThrownBy(() -> new VisibilityIndexerConfig(temporal)).hasMessageContaining("not a field");
    }
}
