package io.temporalcdc.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /health} and {@code /health/ready} (200 when ready, 503 otherwise, with the reason when there is one),
 * {@code GET /health/live} (200 unless the app failed or is stopping), {@code GET /metrics} (Prometheus text; {@code
 * ?name[]=N} for only some metrics), and
 * the app's own paths ({@link #route}). Each request is served on a virtual thread of its own, so a slow API call (one
 * that waits for another instance) never holds up a health check or another call.
 */
final class HttpEndpoints implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    HttpEndpoints(
            String host,
            int port,
            Supplier<String> status,
            Supplier<String> reason,
            Supplier<Boolean> alive,
            PrometheusMeterRegistry registry)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.setExecutor(executor);
        server.createContext("/health", exchange -> {
            String path = exchange.getRequestURI().getPath();
            boolean live = path.equals(LIVE);
            if (!live && !path.equals(HEALTH) && !path.equals(READY)) {
                notFound(exchange);
                return;
            }
            if (!getOnly(exchange)) {
                return;
            }
            String current = status.get();
            boolean up = live ? alive.get() : "UP".equals(current);
            String why = reason.get();
            String body = live
                    ? "{\"status\":\"" + (up ? "UP" : "DOWN") + "\""
                            + (up ? "" : ",\"reason\":" + quote(why == null ? current : why)) + "}"
                    : "{\"status\":\"" + current + "\""
                            + (why == null || "UP".equals(current) ? "" : ",\"reason\":" + quote(why)) + "}";
            respond(exchange, up ? 200 : 503, "application/json", body);
        });
        server.createContext("/metrics", exchange -> {
            if (!exchange.getRequestURI().getPath().equals(METRICS)) {
                notFound(exchange);
            } else if (getOnly(exchange)) {
                // a malformed escape never gets here: the server answers 400 to a request line it cannot parse
                Set<String> names = metricNames(exchange.getRequestURI().getRawQuery());
                respond(
                        exchange,
                        200,
                        TEXT_FORMAT,
                        names.isEmpty() ? registry.scrape() : registry.scrape(TEXT_FORMAT, names));
            }
        });
        server.start();
    }

    /** Readiness (alias of {@link #READY}). */
    static final String HEALTH = "/health";
    /** Readiness: the app can do its work now. */
    static final String READY = "/health/ready";
    /** Liveness: the process is not wedged and has not failed. */
    static final String LIVE = "/health/live";
    /** Prometheus text; {@code ?name[]=N} (repeatable) keeps only those metrics, as Prometheus' own exporters do. */
    static final String METRICS = "/metrics";

    private static final String TEXT_FORMAT = "text/plain; version=0.0.4; charset=utf-8";
    /** The suffixes a series adds to its metric's name. */
    private static final List<String> SERIES_SUFFIXES =
            List.of("_count", "_sum", "_bucket", "_max", "_total", "_created", "_info");

    /**
     * The metric names asked for with {@code name[]=} (only those are encoded and sent), each
     * as given and as its metric's name when it is a series' name (so {@code x_seconds_count} selects the timer
     * {@code x_seconds}); empty for none.
     */
    static Set<String> metricNames(String rawQuery) {
        Set<String> names = new HashSet<>();
        if (rawQuery == null) {
            return names;
        }
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            if (equals < 0
                    || !URLDecoder.decode(parameter.substring(0, equals), StandardCharsets.UTF_8)
                            .equals("name[]")) {
                continue;
            }
            String name = URLDecoder.decode(parameter.substring(equals + 1), StandardCharsets.UTF_8);
            if (name.isEmpty()) {
                continue;
            }
            names.add(name);
            for (String suffix : SERIES_SUFFIXES) {
                if (name.endsWith(suffix) && name.length() > suffix.length()) {
                    names.add(name.substring(0, name.length() - suffix.length()));
                }
            }
        }
        return names;
    }

    /** @return true for GET (and HEAD); otherwise answers 405 with {@code Allow: GET} and returns false */
    private static boolean getOnly(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        respond(exchange, 405, "application/json", "{\"error\":\"method " + method + " not allowed: GET only\"}");
        return false;
    }

    private static void notFound(HttpExchange exchange) throws IOException {
        respond(
                exchange,
                404,
                "application/json",
                "{\"error\":\"no such path: "
                        + exchange.getRequestURI().getPath().replace("\"", "") + "\"}");
    }

    /** Serves {@code handler} at {@code path} and below, next to the health and metrics endpoints. */
    void route(String path, HttpHandler handler) {
        server.createContext(path, handler);
    }

    private static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int code, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
            return;
        }
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
