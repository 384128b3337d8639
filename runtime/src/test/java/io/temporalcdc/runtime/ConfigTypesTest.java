package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ConfigTypesTest {

    @Test
    void shouldParseEveryUnit() {
        assertThat(ConfigTypes.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigTypes.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
        assertThat(ConfigTypes.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(ConfigTypes.parseDuration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(ConfigTypes.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    }

    @Test
    void shouldBoundADurationAndSayHowInHelp() {
        ConfigDef.Validator bounded = ConfigTypes.duration("1s", Duration.ofMillis(1), Duration.ofSeconds(5));

        assertThatCode(() -> bounded.ensureValid("t", "1ms")).doesNotThrowAnyException();
        assertThatCode(() -> bounded.ensureValid("t", "4999ms")).doesNotThrowAnyException();
        assertThatThrownBy(() -> bounded.ensureValid("t", "0ms"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("at least 1ms and below 5000ms");
        assertThatThrownBy(() -> bounded.ensureValid("t", "5s")).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> bounded.ensureValid("t", "soon"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("a duration");
        assertThat(bounded.toString()).isEqualTo("a duration such as 1s, at least 1ms and below 5000ms");
    }
}
