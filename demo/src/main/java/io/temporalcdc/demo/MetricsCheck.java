package io.temporalcdc.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporalcdc.schemas.WorkflowMetricsView;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Compares every group of the aggregator's {@code GET /workflow-metrics} with the seed's view refreshed ({@code
 * REFRESH MATERIALIZED VIEW}) on the same rows, until they are equal or {@code timeout} passed (the aggregator may
 * still be committing its last changes when the drain ends).
 */
final class MetricsCheck {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private MetricsCheck() {}

    static WorkflowMetricsView.Comparison compare(String jdbcUrl, String apiBaseUrl, Duration timeout)
            throws SQLException, IOException, InterruptedException {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            return compare(http, jdbcUrl, apiBaseUrl, System.nanoTime() + timeout.toNanos());
        }
    }

    private static WorkflowMetricsView.Comparison compare(
            HttpClient http, String jdbcUrl, String apiBaseUrl, long deadline)
            throws SQLException, IOException, InterruptedException {
        while (true) {
            List<WorkflowMetricsView.Row> view;
            try (Connection connection = DriverManager.getConnection(jdbcUrl)) {
                view = WorkflowMetricsView.refreshAndRead(connection);
            }
            // the view's namespaces and the generator's: a group only the API has is found too
            TreeSet<String> namespaces = new TreeSet<>(WorkloadData.NAMESPACES);
            view.forEach(row -> namespaces.add(row.namespace()));
            try {
                List<WorkflowMetricsView.Row> api = new ArrayList<>();
                for (String namespace : namespaces) {
                    api.addAll(WorkflowMetricsView.fromApi(get(
                            http,
                            apiBaseUrl + "/workflow-metrics?namespace="
                                    + URLEncoder.encode(namespace, StandardCharsets.UTF_8),
                            deadline)));
                }
                WorkflowMetricsView.Comparison comparison =
                        WorkflowMetricsView.compare(view, api, WorkflowMetricsView.SKETCH_BOUND);
                if (comparison.matches() || System.nanoTime() > deadline) {
                    return comparison;
                }
            } catch (IOException e) {
                // a 503 while the aggregator rebalances, a time-out, a refused connection: asked again until the
                // deadline (any other answer is a bug, thrown at once)
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(500));
        }
    }

    /**
     * @throws IOException when worth asking again: a 503, a time-out, a connection refused
     * @throws IllegalStateException on any other answer than 200
     */
    private static JsonNode get(HttpClient http, String url, long deadline) throws IOException, InterruptedException {
        Duration left = Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(left.compareTo(REQUEST_TIMEOUT) < 0 ? left : REQUEST_TIMEOUT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 503) {
            throw new IOException("GET " + url + " answered 503: " + response.body());
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }
}
