package io.temporalcdc.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * {@code GET /health} and {@code /health/ready} (200 when ready, 503 otherwise, with the reason when there is one),
 * {@code GET /health/live} (200 unless the app failed or is stopping), {@code GET /metrics} (Prometheus text), and
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
            String current = status.get();
            String path = exchange.getRequestURI().getPath();
            boolean live = path.equals("/health/live");
            int code = (live ? alive.get() : "UP".equals(current)) ? 200 : 503;
            String why = reason.get();
            respond(
                    exchange,
                    code,
                    "application/json",
                    "{\"status\":\"" + current + "\""
                            + (why == null || "UP".equals(current) ? "" : ",\"reason\":" + quote(why)) + "}");
        });
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.start();
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
