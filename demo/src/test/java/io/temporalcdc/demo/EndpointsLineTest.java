package io.temporalcdc.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EndpointsLineTest {

    private static final String JSON = "{\"postgres\":\"jdbc:postgresql://127.0.0.1:5433/temporal?user=temporal\","
            + "\"elasticsearch\":\"http://127.0.0.1:9201\",\"kafka\":\"127.0.0.1:9093\",\"redis\":\"redis://127.0.0.1:6380\"}";

    @Test
    void shouldPrefixTheEndpointsJsonWithEndpoints() {
        assertThat(EndpointsLine.of(JSON)).isEqualTo("ENDPOINTS " + JSON);
    }

    @Test
    void shouldBeOneLineWithoutLeadingOrTrailingWhitespace() {
        String line = EndpointsLine.of(JSON + "\n");

        assertThat(line).doesNotContain("\n", "\r").startsWith("ENDPOINTS {").endsWith("}");
    }

    @Test
    void shouldAcceptLocalhostAsHost() {
        String json = JSON.replace("127.0.0.1", "localhost");

        assertThat(EndpointsLine.of(json)).isEqualTo("ENDPOINTS " + json);
    }

    @Test
    void shouldRefuseEndpointsOutOfTheContractedOrder() {
        String reordered =
                "{\"kafka\":\"127.0.0.1:9093\",\"postgres\":\"jdbc:postgresql://127.0.0.1:5433/temporal?user=temporal\","
                        + "\"elasticsearch\":\"http://127.0.0.1:9201\",\"redis\":\"redis://127.0.0.1:6380\"}";

        assertThatThrownBy(() -> EndpointsLine.of(reordered)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldRefuseARemoteHost() {
        assertThatThrownBy(() -> EndpointsLine.of(JSON.replace("http://127.0.0.1", "http://10.0.0.7")))
                .isInstanceOf(IllegalStateException.class);
    }
}
