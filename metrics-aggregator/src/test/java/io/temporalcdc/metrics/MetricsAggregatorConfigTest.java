package io.temporalcdc.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.temporalcdc.runtime.ConfigValidation;
import io.temporalcdc.runtime.InvalidConfigException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MetricsAggregatorConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        return settings;
    }

    private static Map<String, String> with(String key, String value) {
        Map<String, String> settings = minimal();
        settings.put(key, value);
        return settings;
    }

    @Test
    void shouldApplyTheDocumentedDefaults() {
        MetricsAggregatorConfig config = new MetricsAggregatorConfig(minimal());

        assertThat(config.getString(MetricsAggregatorConfig.APPLICATION_ID))
                .isEqualTo("temporal-cdc-metrics-aggregator");
        assertThat(config.getString(MetricsAggregatorConfig.TOPIC_PREFIX)).isEqualTo("temporal");
        assertThat(config.getInt(MetricsAggregatorConfig.WINDOW_DAYS)).isEqualTo(30);
        assertThat(config.getInt(MetricsAggregatorConfig.TOPIC_PARTITIONS)).isEqualTo(6);
        assertThat(config.getShort(MetricsAggregatorConfig.TOPIC_REPLICATION_FACTOR))
                .isEqualTo((short) -1);
        assertThat(config.duration(MetricsAggregatorConfig.ROLLING_INTERVAL)).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.duration(MetricsAggregatorConfig.QUERY_TIMEOUT)).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.getString(MetricsAggregatorConfig.HTTP_ADVERTISED_HOST))
                .isEmpty();
        assertThat(config.versionEpochs().epochOf(System.currentTimeMillis())).isZero();
    }

    @Test
    void shouldRunExactlyOnceWithTheApplicationServerSet() {
        Map<String, Object> props = new MetricsAggregatorConfig(minimal()).streamsProperties("10.0.0.5:8085");

        assertThat(props)
                .containsEntry("application.id", "temporal-cdc-metrics-aggregator")
                .containsEntry("processing.guarantee", "exactly_once_v2")
                .containsEntry("application.server", "10.0.0.5:8085")
                .containsEntry("commit.interval.ms", 1000)
                .containsEntry("num.stream.threads", 2)
                .containsEntry("statestore.cache.max.bytes", 64L * 1024 * 1024)
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void shouldLetPassthroughsOverrideInOrderOfPrecedence() {
        Map<String, String> settings = minimal();
        settings.put("application.id", "my-aggregator");
        settings.put("kafka.security.protocol", "PLAINTEXT");
        settings.put("kafka.commit.interval.ms", "700");
        settings.put("streams.commit.interval.ms", "300");
        MetricsAggregatorConfig config = new MetricsAggregatorConfig(settings);

        assertThat(config.streamsProperties("h:1"))
                .containsEntry("application.id", "my-aggregator")
                .containsEntry("security.protocol", "PLAINTEXT")
                .containsEntry("commit.interval.ms", "300");
        assertThat(config.kafkaClientProperties())
                .containsEntry("bootstrap.servers", "127.0.0.1:9092")
                .containsEntry("commit.interval.ms", "700");
    }

    @Test
    void shouldParseVersionEpochs() {
        MetricsAggregatorConfig config =
                new MetricsAggregatorConfig(with("version.epoch.starts", "2026-01-01T00:00:00Z, 2026-06-01T00:00:00Z"));

        assertThat(config.versionEpochs()
                        .epochOf(Instant.parse("2025-12-31T23:59:59Z").toEpochMilli()))
                .isZero();
        assertThat(config.versionEpochs()
                        .epochOf(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(1);
        assertThat(config.versionEpochs()
                        .epochOf(Instant.parse("2026-07-01T00:00:00Z").toEpochMilli()))
                .isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "10", "500ms", "1h", "2d", ""})
    void shouldRejectABadRollingUpdateInterval(String value) {
        assertThatThrownBy(() -> new MetricsAggregatorConfig(with("rolling.update.interval", value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rolling.update.interval");
    }

    @ParameterizedTest
    @ValueSource(strings = {"1s", "59m"})
    void shouldAcceptARollingUpdateIntervalInRange(String value) {
        assertThat(new MetricsAggregatorConfig(with("rolling.update.interval", value))
                        .duration(MetricsAggregatorConfig.ROLLING_INTERVAL))
                .isEqualTo(io.temporalcdc.runtime.ConfigTypes.parseDuration(value));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-06-01T00:00:00Z,2026-01-01T00:00:00Z", "yesterday", "2026-01-01"})
    void shouldRejectBadVersionEpochStarts(String value) {
        assertThatThrownBy(() -> new MetricsAggregatorConfig(with("version.epoch.starts", value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("version.epoch.starts");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "3661", "thirty"})
    void shouldRejectAWindowOutsideOneToTenYearsOfDays(String value) {
        assertThatThrownBy(() -> new MetricsAggregatorConfig(with("window.days", value)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("window.days");
    }

    @Test
    void shouldRequireTheBootstrapServers() {
        assertThatThrownBy(() -> new MetricsAggregatorConfig(Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.servers");
    }

    @Test
    void shouldReportEveryInvalidKeyAtOnce() {
        Map<String, String> settings = new HashMap<>();
        settings.put("window.days", "0");
        settings.put("rolling.update.interval", "often");
        settings.put("version.epoch.starts", "2026-06-01T00:00:00Z,2026-01-01T00:00:00Z");
        settings.put("query.timeout", "10m");

        assertThatThrownBy(() -> ConfigValidation.validateAll(MetricsAggregatorConfig.DEF, settings))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(5)
                                .anySatisfy(p -> assertThat(p).startsWith("kafka.bootstrap.servers:"))
                                .anySatisfy(p -> assertThat(p).startsWith("window.days:"))
                                .anySatisfy(p -> assertThat(p).startsWith("rolling.update.interval:"))
                                .anySatisfy(p -> assertThat(p).startsWith("version.epoch.starts:"))
                                .anySatisfy(p -> assertThat(p).startsWith("query.timeout:")));
    }
}
