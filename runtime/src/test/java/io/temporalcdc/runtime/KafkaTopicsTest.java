package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.junit.jupiter.api.Test;

class KafkaTopicsTest {

    @Test
    void shouldNameEveryWayAnExistingTopicDiffersFromWhatWasAskedFor() {
        KafkaTopics.Spec wanted =
                new KafkaTopics.Spec("t", Optional.of(6), Optional.of((short) 3), Map.of("cleanup.policy", "compact"));

        List<String> differences =
                KafkaTopics.differences(wanted, 1, new Config(List.of(new ConfigEntry("cleanup.policy", "delete"))));

        assertThat(differences)
                .containsExactlyInAnyOrder("it has 1 partitions, not 6", "cleanup.policy is delete, not compact");
        assertThat(KafkaTopics.differences(
                        wanted, 6, new Config(List.of(new ConfigEntry("cleanup.policy", "compact")))))
                .isEmpty();
    }

    @Test
    void shouldLeaveTheReplicationFactorToTheBrokerWhenItIsMinusOne() {
        assertThat(new KafkaTopics.Spec("t", Optional.empty(), Optional.of((short) -1), Map.of()).replicationFactor())
                .isEmpty();
    }
}
