package io.temporalcdc.cdcsource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** The two source profiles' captures: publication, Debezium's include lists, catalog filter and grants. */
class CapturedTablesTest {

    private static CdcSourceConfig temporalV12(String... extra) {
        Map<String, String> settings = new HashMap<>(CdcSourceConfigTest.minimal());
        settings.put("source.profile", "temporal-v12");
        for (int i = 0; i + 1 < extra.length; i += 2) {
            settings.put(extra[i], extra[i + 1]);
        }
        return new CdcSourceConfig(settings);
    }

    @Test
    void shouldCaptureEveryTableOfTheSeedSchemasByDefault() {
        CapturedTables seed = new CdcSourceConfig(CdcSourceConfigTest.minimal()).captured();
        assertThat(seed.publicationStatement("p"))
                .isEqualTo("CREATE PUBLICATION \"p\" FOR TABLES IN SCHEMA temporal, temporal_visibility"
                        + " WITH (publish_via_partition_root = true)");
        assertThat(seed.publicationNeedsSuperuser()).isTrue();
        assertThat(seed.catalogFilter()).isEqualTo("n.nspname IN ('temporal', 'temporal_visibility')");
    }

    @Test
    void shouldCaptureTemporalsOwnVisibilityTableUnderTemporalV12() {
        CdcSourceConfig config = temporalV12("visibility.schema", "visibility");
        CapturedTables captured = config.captured();
        assertThat(captured.publicationStatement("p"))
                .isEqualTo("CREATE PUBLICATION \"p\" FOR TABLE visibility.executions_visibility");
        assertThat(captured.publicationNeedsSuperuser()).isFalse();
        assertThat(captured.catalogFilter())
                .isEqualTo("n.nspname IN ('visibility') AND c.relname = 'executions_visibility'");
        assertThat(captured.grants("cdc"))
                .isEqualTo("GRANT USAGE ON SCHEMA visibility TO cdc;"
                        + " GRANT SELECT ON visibility.executions_visibility TO cdc");

        Properties props = DebeziumProperties.of(config);
        assertThat(props)
                .containsEntry("schema.include.list", "visibility")
                .containsEntry("table.include.list", "visibility\\.executions_visibility")
                .doesNotContainKey("table.exclude.list")
                .doesNotContainKey("signal.data.collection");
        assertThat(config.signalTable()).isEmpty();
    }

    @Test
    void shouldDefaultToThePublicSchemaAndRefuseASignalTable() {
        assertThat(temporalV12().captured().table()).isEqualTo("public.executions_visibility");
        assertThatThrownBy(() -> temporalV12("signal.table", "public.signals"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("signal.table");
        assertThatThrownBy(() -> temporalV12("source.profile", "temporal-v13"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.profile");
    }
}
