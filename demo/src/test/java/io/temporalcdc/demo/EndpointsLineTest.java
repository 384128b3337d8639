package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointsLineTest {

    private static final String JSON = "{\"postgres\":\"jdbc:postgresql://127.0.0.1:5433/temporal?user=temporal\","
            + "\"elasticsearch\":\"http://127.0.0.1:9201\",\"kafka\":\"127.0.0.1:9093\",\"redis\":\"redis://127.0.0.1:6380\"}";

    private static final String METRICS = "http://127.0.0.1:8085";
    private static final String REGISTRY = "http://127.0.0.1:8086/apis/ccompat/v7";
    private static final String LINE = "ENDPOINTS " + JSON.substring(0, JSON.length() - 1)
            + ",\"metrics\":\"http://127.0.0.1:8085\",\"schemaRegistry\":\"http://127.0.0.1:8086/apis/ccompat/v7\"}";

    @Test
    void shouldPrefixTheEndpointsJsonWithEndpointsAndAddTheMetricsApiThenTheRegistry() {
        assertThat(EndpointsLine.of(JSON, METRICS, REGISTRY)).isEqualTo(LINE).matches(EndpointsLine.FORMAT);
    }

    @Test
    void shouldBeOneLineWithoutLeadingOrTrailingWhitespace() {
        String line = EndpointsLine.of(JSON + "\n", METRICS, REGISTRY);

        assertThat(line).doesNotContain("\n", "\r").startsWith("ENDPOINTS {").endsWith("}");
    }

    @Test
    void shouldAcceptLocalhostAsHost() {
        String json = JSON.replace("127.0.0.1", "localhost");

        assertThat(EndpointsLine.of(
                        json, METRICS.replace("127.0.0.1", "localhost"), REGISTRY.replace("127.0.0.1", "localhost")))
                .isEqualTo(LINE.replace("127.0.0.1", "localhost"));
    }

    @Test
    void shouldRefuseEndpointsOutOfTheContractedOrder() {
        String reordered =
                "{\"kafka\":\"127.0.0.1:9093\",\"postgres\":\"jdbc:postgresql://127.0.0.1:5433/temporal?user=temporal\","
                        + "\"elasticsearch\":\"http://127.0.0.1:9201\",\"redis\":\"redis://127.0.0.1:6380\"}";

        assertThatThrownBy(() -> EndpointsLine.of(reordered, METRICS, REGISTRY))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseARemoteHost() {
        assertThatThrownBy(
                        () -> EndpointsLine.of(JSON.replace("http://127.0.0.1", "http://10.0.0.7"), METRICS, REGISTRY))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EndpointsLine.of(JSON, "http://10.0.0.7:8085", REGISTRY))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EndpointsLine.of(JSON, METRICS, "http://10.0.0.7:8086/apis/ccompat/v7"))
                .isInstanceOf(IllegalStateException.class);
    }
}
