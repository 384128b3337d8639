package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SourceRegionsTest {
    private static final ConfigDef DEF = SourceRegions.define(new ConfigDef(), "");

    private static SourceRegions of(Map<String, String> settings) {
        return SourceRegions.of(new AbstractConfig(DEF, settings));
    }

    @Test
    void shouldReadOneUnnamedRegionByDefault() {
        SourceRegions regions = of(Map.of());
        assertThat(regions.multiple()).isFalse();
        assertThat(regions.topics("p.temporal.tasks")).containsExactly(Map.entry("", "p.temporal.tasks"));
    }

    @Test
    void shouldNameEveryRegionsTopicLocalFirstAndFindTheRegionOfOne() {
        SourceRegions regions = of(Map.of("regions", "eu-west-1,us-east-1", "local.region", "us-east-1"));
        assertThat(regions.multiple()).isTrue();
        assertThat(regions.regions()).containsExactly("us-east-1", "eu-west-1");
        assertThat(regions.allTopics(List.of("p.a.b", "p.a.c")))
                .containsExactly("p.a.b", "eu-west-1.p.a.b", "p.a.c", "eu-west-1.p.a.c");
        assertThat(regions.regionOf("eu-west-1.p.a.c", List.of("p.a.b", "p.a.c")))
                .isEqualTo("eu-west-1");
        assertThat(regions.regionOf("p.a.b", List.of("p.a.b"))).isEqualTo("us-east-1");
        assertThatThrownBy(() -> regions.regionOf("other.p.a.b", List.of("p.a.b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("other.p.a.b");
    }

    @Test
    void shouldRefuseALocalRegionOutsideTheRegionsAndBadNames() {
        assertThatThrownBy(() -> of(Map.of("regions", "a,b", "local.region", "c")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must be one of regions");
        assertThatThrownBy(() -> of(Map.of("regions", "a,a", "local.region", "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("named twice");
        assertThatThrownBy(() -> of(Map.of("regions", "a,b.c", "local.region", "a")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("letters, digits");
    }
}
