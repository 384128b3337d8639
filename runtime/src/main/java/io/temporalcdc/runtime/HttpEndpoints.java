package io.temporalcdc.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** {@code GET /health} (200 when ready, 503 otherwise) and {@code GET /metrics} (Prometheus text). */
final class HttpEndpoints implements AutoCloseable {
    private final HttpServer server;

    HttpEndpoints(String host, int port, Supplier<String> status, PrometheusMeterRegistry registry) throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, port), 16);
        server.setExecutor(Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "http-endpoints");
            thread.setDaemon(true);
            return thread;
        }));
        server.createContext("/health", exchange -> {
            String current = status.get();
            int code = "UP".equals(current) ? 200 : 503;
            respond(exchange, code, "application/json", "{\"status\":\"" + current + "\"}");
        });
        server.createContext(
                "/metrics",
                exchange -> respond(exchange, 200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape()));
        server.start();
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
    }
}
