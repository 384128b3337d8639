package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    @Test
    void shouldLetEnvironmentOverrideFileAndArgumentsOverrideEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.properties");
        Files.writeString(file, "kafka.bootstrap.servers=file:9092\ntopic.prefix=fromfile\nslot.name=fromfile\n");
        Map<String, String> env = Map.of("APP_TOPIC_PREFIX", "fromenv", "APP_SLOT_NAME", "fromenv", "PATH", "/bin");

        Map<String, String> settings =
                ConfigSources.load(new String[] {"--config", file.toString(), "slot.name=fromargs"}, env);

        assertThat(settings)
                .containsEntry("kafka.bootstrap.servers", "file:9092")
                .containsEntry("topic.prefix", "fromenv")
                .containsEntry("slot.name", "fromargs")
                .doesNotContainKey("path");
    }

    @Test
    void shouldReportEveryUnusableArgument() {
        assertThatThrownBy(() -> ConfigSources.load(new String[] {"oops", "--config", "/no/such/file", "-x"}, Map.of()))
                .isInstanceOfSatisfying(
                        InvalidConfigException.class,
                        e -> assertThat(e.problems())
                                .hasSize(3)
                                .anySatisfy(p -> assertThat(p).startsWith("oops"))
                                .anySatisfy(p -> assertThat(p).startsWith("--config: cannot read /no/such/file"))
                                .anySatisfy(p -> assertThat(p).startsWith("-x")));
    }

    @Test
    void shouldStripPrefixForClientSubsets() {
        Map<String, Object> subset = ConfigSources.withPrefix(
                Map.of("producer.acks", "all", "producer.", "x", "kafka.bootstrap.servers", "b"), "producer.");

        assertThat(subset).containsExactly(Map.entry("acks", "all"));
    }
}
