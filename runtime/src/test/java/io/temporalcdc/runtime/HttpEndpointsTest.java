package io.temporalcdc.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpEndpointsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpClient http = HttpClient.newHttpClient();
    private HttpEndpoints endpoints;
    private int port;

    @BeforeEach
    void start() throws IOException {
        new JvmMemoryMetrics().bindTo(registry);
        registry.counter("things_done").increment();
        registry.timer("thing_took").record(Duration.ofMillis(5));
        endpoints = new HttpEndpoints("127.0.0.1", 0, () -> "UP", () -> null, () -> true, registry);
        port = endpoints.port();
    }

    @AfterEach
    void stop() {
        endpoints.close();
    }

    @Test
    void servesOnlyTheMetricsNamedByAMetricsOrASeriesName() throws Exception {
        assertThat(get("/metrics")).contains("things_done_total 1.0", "thing_took_seconds_count 1", "jvm_memory");

        assertThat(get("/metrics?name[]=thing_took_seconds_count"))
                .contains("thing_took_seconds_count 1", "thing_took_seconds_sum")
                .doesNotContain("things_done", "jvm_memory");
        assertThat(get("/metrics?name%5B%5D=things_done_total&name[]=thing_took_seconds&other=1"))
                .contains("things_done_total 1.0", "thing_took_seconds_sum")
                .doesNotContain("jvm_memory");
        assertThat(get("/metrics?name[]=")).as("no name: everything").contains("jvm_memory");
        assertThat(get("/metrics?name[]=no_such_metric")).doesNotContain("things_done", "jvm_memory");
    }

    @Test
    void aMalformedQueryIsAnswered400() throws Exception {
        // no HTTP client sends one: written by hand
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream()
                    .write("GET /metrics?name[]=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
    }

    @Test
    void readsTheNamesOfAQuery() {
        assertThat(HttpEndpoints.metricNames(null)).isEmpty();
        assertThat(HttpEndpoints.metricNames("name[]")).as("no value").isEmpty();
        assertThat(HttpEndpoints.metricNames("names[]=a&name=b")).isEmpty();
        assertThat(HttpEndpoints.metricNames("name[]=a_total&name%5B%5D=a_total&name[]=b+c"))
                .containsExactlyInAnyOrder("a_total", "a", "b c");
        assertThat(HttpEndpoints.metricNames("name[]=_count")).containsExactly("_count");
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
