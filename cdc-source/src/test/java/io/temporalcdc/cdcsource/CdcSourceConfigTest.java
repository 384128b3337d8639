package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

class CdcSourceConfigTest {

    static Map<String, String> minimal() {
        final Map<String, String> settings = new HashMap<>();
        settings.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        settings.put("database.hostname", "db.example");
        settings.put("database.user", "temporal");
        settings.put("database.dbname", "temporal");
        settings.put("schema.registry.url", "http://registry.example:8081");
        return settings;
    }

    @Test
    void shouldApplyDocumentedDefaults() {
        final CdcSourceConfig config = new CdcSourceConfig(minimal());

        assertThat(config.databasePort()).isEqualTo(5432);
        assertThat(config.databasePassword()).isEmpty();
        assertThat(config.topicPrefix()).isEqualTo("temporal");
        assertThat(config.slotName()).isEqualTo("temporal_cdc");
        assertThat(config.publicationName()).isEqualTo("temporal_cdc");
        assertThat(config.offsetStorageTopic()).isEqualTo("temporal.cdc-source.offsets");
        assertThat(config.jdbcUrl()).isEqualTo("jdbc:postgresql://db.example:5432/temporal");
    }

    @Test
    void shouldDeriveOffsetTopicFromTopicPrefixUnlessSet() {
        final Map<String, String> settings = minimal();
        settings.put("topic.prefix", "prod-eu");
        assertThat(new CdcSourceConfig(settings).offsetStorageTopic()).isEqualTo("prod-eu.cdc-source.offsets");

        settings.put("offset.storage.topic", "my-offsets");
        assertThat(new CdcSourceConfig(settings).offsetStorageTopic()).isEqualTo("my-offsets");
    }

    @Test
    void shouldReportEveryMissingRequiredKey() {
        final Map<String, ConfigValue> result = byName(CdcSourceConfig.DEF.validate(Map.of()));

        assertThat(List.of("kafka.bootstrap.servers", "database.hostname", "database.user", "database.dbname"))
                .allSatisfy(key -> assertThat(result.get(key).errorMessages())
                        .as(key)
                        .anySatisfy(msg -> assertThat(msg).contains("Missing required configuration \"" + key + "\"")));
        assertThat(result.get("database.port").errorMessages()).isEmpty();
    }

    @Test
    void shouldRejectEmptyBootstrapServersNamingTheKey() {
        final Map<String, String> settings = minimal();
        settings.put("kafka.bootstrap.servers", "");

        assertThatThrownBy(() -> new CdcSourceConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("kafka.bootstrap.servers")
                .hasMessageContaining("at least one host:port");
    }

    @Test
    void shouldRejectSlotNamesPostgresWouldRefuse() {
        final Map<String, String> settings = minimal();
        settings.put("slot.name", "Bad-Slot");

        assertThatThrownBy(() -> new CdcSourceConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("slot.name")
                .hasMessageContaining("lowercase letters, digits or '_'");
    }

    @Test
    void shouldRejectARegionMirrorMakerCouldNotSeparateFromTheTopic() {
        final Map<String, String> settings = minimal();
        settings.put("region", "us.east");

        assertThatThrownBy(() -> new CdcSourceConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("region")
                .hasMessageContaining("no '.'");
    }

    @Test
    void shouldRejectPortOutOfRange() {
        final Map<String, String> settings = minimal();
        settings.put("database.port", "70000");

        assertThatThrownBy(() -> new CdcSourceConfig(settings))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("database.port");
    }

    @Test
    void shouldPassKafkaPrefixToEveryClientWithBootstrapServersFromItsKey() {
        final Map<String, String> settings = minimal();
        settings.put("kafka.bootstrap.servers", "a:1, b:2");
        settings.put("kafka.security.protocol", "SSL");

        assertThat(new CdcSourceConfig(settings).kafkaClientProps())
                .containsEntry("bootstrap.servers", "a:1,b:2")
                .containsEntry("security.protocol", "SSL");
    }

    @Test
    void shouldWriteAvroByDefaultAndRequireTheRegistryForIt() {
        assertThat(new CdcSourceConfig(minimal()).avro()).isTrue();
        assertThat(new CdcSourceConfig(minimal()).schemaRegistryUrl()).isEqualTo("http://registry.example:8081");

        final Map<String, String> withoutRegistry = minimal();
        withoutRegistry.remove("schema.registry.url");
        assertThatThrownBy(() -> new CdcSourceConfig(withoutRegistry))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("schema.registry.url")
                .hasMessageContaining("format=json");

        withoutRegistry.put("format", "JSON");
        assertThat(new CdcSourceConfig(withoutRegistry).avro()).isFalse();
    }

    @Test
    void shouldRefuseAnUnknownFormatAndARegistryThatIsNotAnHttpUrl() {
        final Map<String, String> settings = minimal();
        settings.put("format", "protobuf");
        assertThatThrownBy(() -> new CdcSourceConfig(settings)).hasMessageContaining("format");

        final Map<String, String> ftp = minimal();
        ftp.put("schema.registry.url", "ftp://registry.example");
        assertThatThrownBy(() -> new CdcSourceConfig(ftp))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http(s)://");
    }

    private static Map<String, ConfigValue> byName(List<ConfigValue> values) {
        final Map<String, ConfigValue> map = new HashMap<>();
        values.forEach(v -> map.put(v.name(), v));
        return map;
    }
}
