package io.temporalcdc.cdcsource;

import io.temporalcdc.runtime.KafkaTopics;
import io.temporalcdc.schemas.Topics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The change topics cdc-source creates before the engine starts, one per captured table, named as Debezium names
 * them: {@code topic.partitions} partitions (rows keep their order, since a key always maps to one partition),
 * {@code cleanup.policy=compact} (keys are primary keys and every delete is followed by a tombstone, so a topic can
 * always rebuild state), the configured replication factor. Created up front, the topics do not wait for the
 * broker's auto-creation (which would give them one partition and the delete policy) on the first change.
 */
final class ChangeTopics {
    private ChangeTopics() {}

    /**
     * @param tables the captured schemas' tables ({@code schema.table}), partitions excluded
     * @return the topic specs of the tables Debezium captures (those its {@code table.exclude.list} keeps)
     */
    static List<KafkaTopics.Spec> of(CdcSourceConfig config, List<String> tables) {
        Pattern excluded = Pattern.compile(String.join(
                "|",
                DebeziumProperties.excludeList(
                                List.of(), config.debeziumOverrides().get("table.exclude.list"))
                        .split(",")));
        List<KafkaTopics.Spec> specs = new ArrayList<>();
        for (String table : tables) {
            if (excluded.matcher(table).matches()) {
                continue;
            }
            int dot = table.indexOf('.');
            specs.add(new KafkaTopics.Spec(
                    Topics.table(config.topicPrefix(), table.substring(0, dot), table.substring(dot + 1)),
                    Optional.of(config.topicPartitions()),
                    Optional.of(config.topicReplicationFactor()),
                    Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        }
        return specs;
    }
}
