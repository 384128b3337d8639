package io.temporalcdc.indexer.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A scripted HTTP endpoint that answers like Elasticsearch (product header, JSON bodies) and records every
 * request: for the paths no Elasticsearch here can take (ILM).
 */
final class FakeElasticsearch implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One recorded request. */
    record Received(String method, String path, JsonNode body) {
        String line() {
            return method + " " + path;
        }
    }

    private record Answer(int status, String body) {}

    private final HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();

    FakeElasticsearch() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code "METHOD /path"} answers {@code status} with {@code body}; the last answer repeats. */
    FakeElasticsearch on(String request, int status, String body) {
        answers.computeIfAbsent(request, r -> new ArrayDeque<>()).add(new Answer(status, body));
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Received> received() {
        return received;
    }

    List<String> lines() {
        return received.stream().map(Received::line).toList();
    }

    JsonNode bodyOf(String request) {
        return received.stream()
                .filter(r -> r.line().equals(request))
                .map(Received::body)
                .findFirst()
                .orElseThrow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        byte[] bytes = exchange.getRequestBody().readAllBytes();
        received.add(new Received(method, path, bytes.length == 0 ? MissingNode.getInstance() : JSON.readTree(bytes)));
        Answer answer = answerFor(method + " " + path);
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("X-Elastic-Product", "Elasticsearch");
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), "HEAD".equals(method) ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            if (!"HEAD".equals(method)) {
                out.write(body);
            }
        }
    }

    private Answer answerFor(String request) {
        Deque<Answer> queue = answers.get(request);
        if (queue == null || queue.isEmpty()) {
            return new Answer(400, "{\"error\":\"no handler found for uri [" + request + "]\",\"status\":400}");
        }
        synchronized (queue) {
            return queue.size() > 1 ? queue.poll() : queue.peek();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
