package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

class ConfigValidationTest {
    private static final ConfigDef DEF = new ConfigDef()
            .define(
                    "kafka.bootstrap.servers",
                    ConfigDef.Type.STRING,
                    ConfigDef.NO_DEFAULT_VALUE,
                    new ConfigDef.NonEmptyString(),
                    ConfigDef.Importance.HIGH,
                    "Kafka")
            .define(
                    "database.port",
                    ConfigDef.Type.INT,
                    5432,
                    ConfigDef.Range.between(1, 65535),
                    ConfigDef.Importance.HIGH,
                    "port");

    @Test
    void shouldNameEveryBadSettingAtOnce() {
        assertThatThrownBy(() -> ConfigValidation.validateAll(DEF, Map.of("database.port", "0")))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(2)
                                .anySatisfy(p -> assertThat(p).startsWith("kafka.bootstrap.servers: Missing required"))
                                .anySatisfy(p -> assertThat(p).startsWith("database.port: ")));
    }

    @Test
    void shouldAddCommonHttpKeysWithTheAppsDefaultPort() {
        ConfigDef def = ConfigValidation.withCommonKeys(DEF, 8089);

        Map<String, Object> parsed = def.parse(Map.of("kafka.bootstrap.servers", "k:9092"));

        assertThat(parsed).containsEntry(App.HTTP_PORT, 8089).containsEntry(App.HTTP_HOST, "0.0.0.0");
        assertThat(DEF.names()).doesNotContain(App.HTTP_PORT);
    }
}
