package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumPropertiesTest {

    @Test
    void shouldConfigurePostgresConnectorOnPgoutputOverTemporalSchemas() {
        final Properties props = DebeziumProperties.of(new CdcSourceConfig(CdcSourceConfigTest.minimal()));

        assertThat(props)
                .containsEntry("connector.class", "io.debezium.connector.postgresql.PostgresConnector")
                .containsEntry("plugin.name", "pgoutput")
                .containsEntry("schema.include.list", "temporal,temporal_visibility")
                .containsEntry("publication.autocreate.mode", "disabled")
                .containsEntry("publication.name", "temporal_cdc")
                .containsEntry("slot.name", "temporal_cdc")
                .containsEntry("topic.prefix", "temporal")
                .containsEntry("snapshot.mode", "initial")
                .containsEntry("offset.mismatch.strategy", "trust_slot")
                .containsEntry("database.hostname", "db.example")
                .containsEntry("database.port", "5432");
    }

    @Test
    void shouldKeepOffsetsInKafka() {
        final Properties props = DebeziumProperties.of(new CdcSourceConfig(CdcSourceConfigTest.minimal()));

        assertThat(props)
                .containsEntry("offset.storage", "org.apache.kafka.connect.storage.KafkaOffsetBackingStore")
                .containsEntry("offset.storage.topic", "temporal.cdc-source.offsets")
                .containsEntry("offset.storage.partitions", "1")
                .containsEntry("offset.storage.replication.factor", "-1")
                .containsEntry("offset.flush.interval.ms", "1000")
                .containsEntry("bootstrap.servers", "127.0.0.1:9092");
    }

    @Test
    void shouldLetDebeziumPrefixedSettingsWinAndKafkaSettingsReachTheOffsetStore() {
        final Map<String, String> settings = CdcSourceConfigTest.minimal();
        settings.put("debezium.snapshot.mode", "no_data");
        settings.put("debezium.heartbeat.interval.ms", "5000");
        settings.put("kafka.security.protocol", "SASL_SSL");

        final Properties props = DebeziumProperties.of(new CdcSourceConfig(settings));

        assertThat(props)
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("heartbeat.interval.ms", "5000")
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void shouldExcludeMonthlyAndKnownPartitionsAndKeepOperatorExclusions() {
        final Map<String, String> settings = CdcSourceConfigTest.minimal();
        settings.put("debezium.table.exclude.list", "temporal\\.tasks");

        final Properties props =
                DebeziumProperties.of(new CdcSourceConfig(settings), java.util.List.of("temporal_visibility.other_p1"));

        final String excluded = props.getProperty("table.exclude.list");
        final java.util.List<java.util.regex.Pattern> patterns = java.util.Arrays.stream(excluded.split(","))
                .map(java.util.regex.Pattern::compile)
                .toList();
        assertThat(java.util.List.of(
                        "temporal_visibility.executions_2031_12", "temporal_visibility.other_p1", "temporal.tasks"))
                .allSatisfy(table -> assertThat(patterns)
                        .anySatisfy(p -> assertThat(p.matcher(table).matches()).isTrue()));
        assertThat(java.util.List.of(
                        "temporal_visibility.executions",
                        "temporal_visibility.executions_template",
                        "temporal.executions"))
                .allSatisfy(table -> assertThat(patterns)
                        .noneSatisfy(p -> assertThat(p.matcher(table).matches()).isTrue()));
    }

    @Test
    void shouldLabelEveryRecordWithTheRegionThroughInsertHeaderFirstInTheChain() {
        final Map<String, String> settings = CdcSourceConfigTest.minimal();
        settings.put("region", "us-east-1");
        settings.put("debezium.transforms", "unwrap");

        final Properties props = DebeziumProperties.of(new CdcSourceConfig(settings));

        assertThat(props)
                .containsEntry("transforms", "temporalCdcRegion,unwrap")
                .containsEntry("transforms.temporalCdcRegion.type", "org.apache.kafka.connect.transforms.InsertHeader")
                .containsEntry("transforms.temporalCdcRegion.header", "temporal-cdc.region")
                .containsEntry("transforms.temporalCdcRegion.value.literal", "us-east-1");
    }

    @Test
    void shouldAddNoTransformWithoutARegion() {
        final Properties props = DebeziumProperties.of(new CdcSourceConfig(CdcSourceConfigTest.minimal()));

        assertThat(props.stringPropertyNames()).noneMatch(name -> name.startsWith("transforms"));
    }
}
