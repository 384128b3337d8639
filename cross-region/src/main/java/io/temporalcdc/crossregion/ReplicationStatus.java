package io.temporalcdc.crossregion;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This instance's view of replication, per table: the lag of the changes it matched (p50/p99 over the last five
 * minutes, Micrometer's {@code cross_region_lag_seconds{table}} with those percentiles), the divergences open on its
 * partitions ({@code cross_region_divergences_open{table}}) and the oldest of them ({@code
 * cross_region_divergence_oldest_seconds{table}}); served as JSON at {@value #PATH}.
 */
public final class ReplicationStatus implements HttpHandler {
    /** The HTTP path of the status. */
    public static final String PATH = "/replication/status";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterRegistry meters;
    private final LongSupplier clock;
    private final Map<String, DistributionSummary> lags = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Long>> open = new ConcurrentHashMap<>();

    public ReplicationStatus(MeterRegistry meters, LongSupplier clock, Iterable<String> tables) {
        this.meters = meters;
        this.clock = clock;
        for (String table : tables) {
            table(table);
        }
    }

    private Map<String, Long> table(String table) {
        return open.computeIfAbsent(table, t -> {
            Map<String, Long> rows = new ConcurrentHashMap<>();
            Gauge.builder("cross.region.divergences.open", rows, Map::size)
                    .description("Divergences open on this instance's partitions")
                    .tag("table", t)
                    .register(meters);
            Gauge.builder("cross.region.divergence.oldest", rows, r -> oldestSeconds(r))
                    .description("How long the oldest open divergence has been open; 0 when none is")
                    .tag("table", t)
                    .baseUnit("seconds")
                    .register(meters);
            lag(t);
            return rows;
        });
    }

    private DistributionSummary lag(String table) {
        return lags.computeIfAbsent(
                table,
                t -> DistributionSummary.builder("cross.region.lag")
                        .description(
                                "Commit time in the later region - commit time in the earlier, per replicated change")
                        .baseUnit("seconds")
                        .tag("table", t)
                        .publishPercentiles(0.5, 0.99)
                        .percentilePrecision(2)
                        .distributionStatisticExpiry(Duration.ofMinutes(5))
                        .distributionStatisticBufferLength(5)
                        .register(meters));
    }

    private double oldestSeconds(Map<String, Long> rows) {
        long now = clock.getAsLong();
        return rows.values().stream().mapToLong(v -> v).min().stream()
                .mapToDouble(opened -> (now - opened) / 1000.0)
                .findFirst()
                .orElse(0);
    }

    /** Counts one replicated change. */
    void replicated(String table, long lagMs) {
        table(table);
        lag(table).record(lagMs / 1000.0);
    }

    void opened(String table, String key, long atMs) {
        table(table).put(key, atMs);
    }

    void closed(String table, String key) {
        table(table).remove(key);
    }

    /** @return the status document: one object per table */
    public ArrayNode status() {
        ArrayNode tables = JSON.createArrayNode();
        long now = clock.getAsLong();
        for (Map.Entry<String, Map<String, Long>> table : new TreeMap<>(open).entrySet()) {
            ObjectNode row = tables.addObject().put("table", table.getKey());
            Map<Double, Double> percentiles = new TreeMap<>();
            DistributionSummary summary = lag(table.getKey());
            for (ValueAtPercentile value : summary.takeSnapshot().percentileValues()) {
                percentiles.put(value.percentile(), value.value());
            }
            row.put("replicated", summary.count());
            putSeconds(row, "lagP50Seconds", summary.count() == 0 ? null : percentiles.get(0.5));
            putSeconds(row, "lagP99Seconds", summary.count() == 0 ? null : percentiles.get(0.99));
            row.put("openDivergences", table.getValue().size());
            Long oldest = table.getValue().values().stream().min(Long::compare).orElse(null);
            if (oldest == null) {
                row.putNull("oldestOpenDivergenceSeconds");
            } else {
                row.put("oldestOpenDivergenceSeconds", (now - oldest) / 1000.0);
            }
        }
        return tables;
    }

    private static void putSeconds(ObjectNode row, String field, Double value) {
        if (value == null) {
            row.putNull(field);
        } else {
            row.put(field, value);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            int status;
            byte[] body;
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                status = 405;
                body = "{\"error\":\"only GET is served here\"}".getBytes();
            } else if (!exchange.getRequestURI().getPath().equals(PATH)) {
                status = 404;
                body = ("{\"error\":\"no such path (try " + PATH + ")\"}").getBytes();
            } else {
                status = 200;
                body = JSON.writeValueAsBytes(status());
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            boolean head = "HEAD".equals(exchange.getRequestMethod());
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
