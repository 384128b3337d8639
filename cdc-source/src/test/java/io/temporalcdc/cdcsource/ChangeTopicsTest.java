package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;

import io.temporalcdc.runtime.KafkaTopics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChangeTopicsTest {

    private static CdcSourceConfig config(String... extra) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of(
                "kafka.bootstrap.servers", "127.0.0.1:9092",
                "database.hostname", "db",
                "database.user", "u",
                "database.dbname", "temporal",
                "topic.prefix", "p",
                "format", "json"));
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return new CdcSourceConfig(settings);
    }

    @Test
    void shouldCreateACompactedTopicPerCapturedTableWithTheConfiguredPartitions() {
        List<KafkaTopics.Spec> specs = ChangeTopics.of(
                config("topic.partitions", "12", "topic.replication.factor", "3"),
                List.of(
                        "temporal.executions",
                        "temporal_visibility.executions",
                        "temporal_visibility.executions_2026_03"));

        assertThat(specs)
                .extracting(KafkaTopics.Spec::name)
                .containsExactly("p.temporal.executions", "p.temporal_visibility.executions");
        assertThat(specs).allSatisfy(spec -> {
            assertThat(spec.partitions()).isEqualTo(Optional.of(12));
            assertThat(spec.replicationFactor()).isEqualTo(Optional.of((short) 3));
            assertThat(spec.configs()).containsEntry("cleanup.policy", "compact");
        });
    }

    @Test
    void shouldDefaultToSixPartitionsAndLeaveOutTablesTheOperatorExcluded() {
        List<KafkaTopics.Spec> specs = ChangeTopics.of(
                config("debezium.table.exclude.list", "temporal\\.tasks"),
                List.of("temporal.tasks", "temporal.executions"));

        assertThat(specs).extracting(KafkaTopics.Spec::name).containsExactly("p.temporal.executions");
        assertThat(specs.get(0).partitions()).isEqualTo(Optional.of(6));
        assertThat(specs.get(0).replicationFactor()).isEmpty();
    }
}
