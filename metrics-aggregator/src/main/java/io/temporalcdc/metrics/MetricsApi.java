package io.temporalcdc.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.temporalcdc.runtime.RowColumns;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The HTTP query API, answered from the state stores of every instance:
 *
 * <ul>
 *   <li>{@code GET /workflow-metrics?namespace=NS[&workflowType=T][&from=YYYY-MM-DD][&to=YYYY-MM-DD]}: the days of the
 *       window (as the seed's view: today and the {@code window.days} days before it), one object per namespace, type
 *       and day ({@link GroupMetrics#toJson}), sorted by type then day;
 *   <li>{@code GET /workflow-metrics/rolling?namespace=NS&window=1h|24h[&workflowType=T]}: one object per type with
 *       runs in the window ({@link RollingMetrics#toJson}).
 * </ul>
 *
 * Any instance answers for all keys: for each partition of the groups' tasks it asks the instance that Kafka Streams'
 * metadata shows holding it active (itself from its local stores, the others over HTTP, in parallel, with {@code
 * scope=local&partitions=…}), so every partition is answered exactly once, and merges. A bad parameter answers 400
 * with {@code {"error": …, "parameter": name}}; a rebalance in progress (Kafka Streams not RUNNING, a partition with
 * two owners or none queryable where the metadata says) or an instance that does not answer within {@code
 * query.timeout}, 503 with {@code {"error": …}}: retry.
 */
public final class MetricsApi implements HttpHandler, AutoCloseable {
    /** The days. */
    public static final String PATH = "/workflow-metrics";
    /** The rolling windows. */
    public static final String ROLLING_PATH = "/workflow-metrics/rolling";
    /** The internal parameter of a query one instance asks another: answer from local state only. */
    static final String SCOPE = "scope";
    /** With {@link #SCOPE}: the partitions to answer for (each must be active on the instance asked). */
    static final String PARTITIONS = "partitions";
    /** The groups' tasks read this topic: its partitions are the groups' partitions. */
    private static final String REPARTITION_SUFFIX = "-" + MetricsAggregatorTopology.REPARTITION + "-repartition";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DAY_PARAMETERS =
            Set.of("namespace", "workflowType", "from", "to", SCOPE, PARTITIONS);
    private static final Set<String> ROLLING_PARAMETERS =
            Set.of("namespace", "workflowType", "window", SCOPE, PARTITIONS);

    private final KafkaStreams streams;
    private final HostInfo self;
    private final int partitions;
    private final int windowDays;
    private final LongSupplier clock;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param self this instance's {@code application.server}
     * @param partitions the groups' partitions (the change topic's): an answer must cover them all
     * @param windowDays the window's days, as the topology's
     * @param clock the wall clock, epoch milliseconds
     * @param timeout how long another instance may take to answer
     */
    public MetricsApi(
            KafkaStreams streams, HostInfo self, int partitions, int windowDays, LongSupplier clock, Duration timeout) {
        this.streams = streams;
        this.self = self;
        this.partitions = partitions;
        this.windowDays = windowDays;
        this.clock = clock;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    /** Closes the client that asks the other instances. */
    @Override
    public void close() {
        http.close();
    }

    /** A refusal: the status and the JSON body. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int status;
        final String parameter;

        Refusal(int status, String message, String parameter) {
            super(message, null, false, false);
            this.status = status;
            this.parameter = parameter;
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            try {
                if (!"GET".equals(exchange.getRequestMethod())) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                    throw new Refusal(405, "only GET is served here", null);
                }
                String path = exchange.getRequestURI().getPath();
                String query = exchange.getRequestURI().getRawQuery();
                ArrayNode answer = switch (path.endsWith("/") ? path.substring(0, path.length() - 1) : path) {
                    case PATH -> answer(PATH, query, DAY_PARAMETERS);
                    case ROLLING_PATH -> answer(ROLLING_PATH, query, ROLLING_PARAMETERS);
                    default ->
                        throw new Refusal(
                                404, "no such path: " + path + " (try " + PATH + " or " + ROLLING_PATH + ")", null);
                };
                respond(exchange, 200, JSON.writeValueAsBytes(answer));
            } catch (Refusal refusal) {
                ObjectNode body = JSON.createObjectNode().put("error", refusal.getMessage());
                if (refusal.parameter != null) {
                    body.put("parameter", refusal.parameter);
                }
                respond(exchange, refusal.status, JSON.writeValueAsBytes(body));
            } catch (IllegalStateException e) {
                // Kafka Streams left RUNNING while the query ran (a rebalance, a shutdown)
                ObjectNode body = JSON.createObjectNode()
                        .put("error", "the state is not queryable now (" + e.getMessage() + "): retry shortly");
                respond(exchange, 503, JSON.writeValueAsBytes(body));
            } catch (RuntimeException e) {
                respond(
                        exchange,
                        500,
                        JSON.writeValueAsBytes(JSON.createObjectNode().put("error", e.toString())));
            }
        }
    }

    private ArrayNode answer(String path, String rawQuery, Set<String> allowed) throws Refusal {
        Map<String, String> params = parameters(rawQuery, allowed);
        boolean rolling = path.equals(ROLLING_PATH);
        Object query = rolling ? RollingQuery.of(params) : DayQuery.of(params, windowStart());
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new Refusal(503, "Kafka Streams is " + streams.state() + ": retry shortly", null);
        }
        String scope = params.get(SCOPE);
        if (scope != null) {
            if (!scope.equals("local")) {
                throw new Refusal(400, "scope must be local (a query between instances), not \"" + scope + "\"", SCOPE);
            }
            return local(query, partitionsParameter(params));
        }
        // every partition of the groups' tasks, from the instance that holds it active, exactly once
        Map<HostInfo, Set<Integer>> owners = new LinkedHashMap<>();
        Set<Integer> seen = new HashSet<>();
        for (StreamsMetadata instance : streams.streamsMetadataForStore(MetricsAggregatorTopology.GROUPS_STORE)) {
            for (TopicPartition partition : instance.topicPartitions()) {
                if (partition.topic().endsWith(REPARTITION_SUFFIX)) {
                    if (!seen.add(partition.partition())) {
                        throw new Refusal(
                                503,
                                "partition " + partition.partition() + " has two owners during a"
                                        + " rebalance: retry shortly",
                                null);
                    }
                    owners.computeIfAbsent(instance.hostInfo(), host -> new TreeSet<>())
                            .add(partition.partition());
                }
            }
        }
        if (seen.size() != partitions) {
            throw new Refusal(
                    503,
                    "the metadata names owners of " + seen.size() + " of the " + partitions
                            + " partitions (a rebalance): retry shortly",
                    null);
        }
        String forwarded = withoutScope(rawQuery);
        List<CompletableFuture<ArrayNode>> remote = new ArrayList<>();
        List<JsonNode> rows = new ArrayList<>();
        for (Map.Entry<HostInfo, Set<Integer>> owner : owners.entrySet()) {
            if (!owner.getKey().equals(self)) {
                remote.add(remote(owner.getKey(), path, forwarded, owner.getValue()));
            }
        }
        Set<Integer> mine = owners.get(self);
        if (mine != null) {
            local(query, mine).forEach(rows::add);
        }
        for (CompletableFuture<ArrayNode> answer : remote) {
            awaitRemote(answer).forEach(rows::add);
        }
        rows.sort(Comparator.comparing(
                        (JsonNode row) -> row.path("workflowType").asText())
                .thenComparing(row -> row.path(rolling ? "window" : "date").asText()));
        ArrayNode answer = JSON.createArrayNode();
        rows.forEach(answer::add);
        return answer;
    }

    private static Set<Integer> partitionsParameter(Map<String, String> params) throws Refusal {
        String text = params.get(PARTITIONS);
        if (text == null) {
            return null;
        }
        Set<Integer> partitions = new TreeSet<>();
        try {
            for (String part : text.split(",")) {
                partitions.add(Integer.parseInt(part.trim()));
            }
        } catch (NumberFormatException e) {
            throw new Refusal(400, "partitions must be a list of partition numbers, not \"" + text + "\"", PARTITIONS);
        }
        return partitions;
    }

    private static String withoutScope(String rawQuery) {
        List<String> kept = new ArrayList<>();
        for (String pair : rawQuery == null ? new String[0] : rawQuery.split("&")) {
            if (!pair.isEmpty() && !pair.startsWith(SCOPE + "=") && !pair.startsWith(PARTITIONS + "=")) {
                kept.add(pair);
            }
        }
        return String.join("&", kept);
    }

    private LocalDate windowStart() {
        return RunRow.windowStart(clock.getAsLong(), windowDays);
    }

    /** The answer from this instance's stores: the partitions given (each must be active here), or all of them. */
    private ArrayNode local(Object query, Set<Integer> partitions) throws Refusal {
        try {
            ArrayNode rows = JSON.createArrayNode();
            if (partitions == null) {
                rows.addAll(query instanceof DayQuery days ? days(days, null) : rolling((RollingQuery) query, null));
            } else {
                for (int partition : partitions) {
                    rows.addAll(
                            query instanceof DayQuery days
                                    ? days(days, partition)
                                    : rolling((RollingQuery) query, partition));
                }
            }
            return rows;
        } catch (InvalidStateStoreException e) {
            throw new Refusal(503, "the state is not queryable here now (" + e.getMessage() + "): retry shortly", null);
        }
    }

    private ReadOnlyKeyValueStore<String, byte[]> store(String name, Integer partition) {
        StoreQueryParameters<ReadOnlyKeyValueStore<String, byte[]>> parameters =
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.keyValueStore());
        return streams.store(partition == null ? parameters : parameters.withPartition(partition));
    }

    /** The entries of a namespace, or of one of its types, in a store keyed {@code namespace \0 type \0 …}. */
    private static KeyValueIterator<String, byte[]> scan(
            ReadOnlyKeyValueStore<String, byte[]> store, String namespace, String workflowType) {
        String prefix = workflowType == null ? namespace + '\0' : RunRow.typeKey(namespace, workflowType) + '\0';
        return store.prefixScan(prefix, new StringSerializer());
    }

    private ArrayNode days(DayQuery query, Integer partition) {
        ReadOnlyKeyValueStore<String, byte[]> store = store(MetricsAggregatorTopology.GROUPS_STORE, partition);
        ArrayNode rows = JSON.createArrayNode();
        try (KeyValueIterator<String, byte[]> it = scan(store, query.namespace, query.workflowType)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                String[] parts = MetricsAggregatorTopology.split(entry.key);
                LocalDate date = LocalDate.parse(parts[2]);
                if (!date.isBefore(query.from) && (query.to == null || !date.isAfter(query.to))) {
                    rows.add(GroupMetrics.decode(entry.value).toJson(parts[0], parts[1], date));
                }
            }
        }
        return rows;
    }

    private ArrayNode rolling(RollingQuery query, Integer partition) {
        ReadOnlyKeyValueStore<String, byte[]> store = store(MetricsAggregatorTopology.ROLLING_STORE, partition);
        long nowMinute = Math.floorDiv(clock.getAsLong(), 60_000L);
        long firstMinute = nowMinute - query.minutes + 1;
        Map<String, RollingMetrics> byType = new TreeMap<>();
        try (KeyValueIterator<String, byte[]> it = scan(store, query.namespace, query.workflowType)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> entry = it.next();
                String[] parts = MetricsAggregatorTopology.split(entry.key);
                long minute = Long.parseLong(parts[2]);
                if (minute >= firstMinute && minute <= nowMinute) {
                    byType.computeIfAbsent(parts[1], t -> new RollingMetrics())
                            .addAll(RollingMetrics.decode(entry.value));
                }
            }
        }
        ArrayNode rows = JSON.createArrayNode();
        byType.forEach((type, metrics) -> rows.add(metrics.toJson(query.namespace, type, query.window)));
        return rows;
    }

    /** Asks another instance for the partitions it holds. */
    private CompletableFuture<ArrayNode> remote(HostInfo host, String path, String query, Set<Integer> partitions) {
        String hostName = host.host().contains(":") ? "[" + host.host() + "]" : host.host();
        URI uri = URI.create("http://" + hostName + ":" + host.port() + path + "?"
                + (query.isEmpty() ? "" : query + "&")
                + SCOPE + "=local&" + PARTITIONS + "="
                + String.join(",", partitions.stream().map(String::valueOf).toList()));
        return http.sendAsync(
                        HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                        HttpResponse.BodyHandlers.ofByteArray())
                .thenApply(response -> {
                    JsonNode body;
                    try {
                        body = JSON.readTree(response.body());
                    } catch (IOException e) {
                        throw new CompletionException(new Refusal(
                                503, "instance " + host + " answered what is not JSON: " + e.getMessage(), null));
                    }
                    if (response.statusCode() != 200 || !body.isArray()) {
                        // its own refusal of the query (another version, say) is no reason to retry: 502
                        int status = response.statusCode() >= 400 && response.statusCode() < 500 ? 502 : 503;
                        throw new CompletionException(new Refusal(
                                status, "instance " + host + " answered " + response.statusCode() + ": " + body, null));
                    }
                    return (ArrayNode) body;
                });
    }

    private static ArrayNode awaitRemote(CompletableFuture<ArrayNode> answer) throws Refusal {
        try {
            return answer.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Refusal refusal) {
                throw refusal;
            }
            throw new Refusal(503, "an instance did not answer (" + e.getCause() + "): retry shortly", null);
        }
    }

    private static Map<String, String> parameters(String rawQuery, Set<String> allowed) throws Refusal {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), null);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
            if (!allowed.contains(name)) {
                throw new Refusal(
                        400,
                        "unknown parameter " + name + " (known: "
                                + String.join(
                                        ", ",
                                        allowed.stream()
                                                .filter(p -> !p.equals(SCOPE) && !p.equals(PARTITIONS))
                                                .sorted()
                                                .toList())
                                + ")",
                        name);
            }
            if (params.put(name, value) != null) {
                throw new Refusal(400, "parameter " + name + " is given twice", name);
            }
        }
        return params;
    }

    private static String decode(String text, String parameter) throws Refusal {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refusal(
                    400,
                    (parameter == null ? "malformed parameter name: " : parameter + " is malformed: ") + e.getMessage(),
                    parameter);
        }
    }

    private static String namespaceParameter(Map<String, String> params) throws Refusal {
        String namespace = params.get("namespace");
        if (namespace == null || namespace.isBlank()) {
            throw new Refusal(400, "namespace is required", "namespace");
        }
        // namespace_id is CHAR(n): padded or not, it names the same namespace
        return RowColumns.stripPadding(namespace);
    }

    private static String workflowTypeParameter(Map<String, String> params) throws Refusal {
        String type = params.get("workflowType");
        if (type != null && type.isEmpty()) {
            throw new Refusal(400, "workflowType is empty: leave it out for every type", "workflowType");
        }
        return type;
    }

    private static LocalDate date(Map<String, String> params, String name) throws Refusal {
        String text = params.get(name);
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new Refusal(400, name + " must be a date YYYY-MM-DD, not \"" + text + "\"", name);
        }
    }

    /** A query of days; {@code from} is never before the window's first day. */
    private record DayQuery(String namespace, String workflowType, LocalDate from, LocalDate to) {
        static DayQuery of(Map<String, String> params, LocalDate windowStart) throws Refusal {
            String namespace = namespaceParameter(params);
            String type = workflowTypeParameter(params);
            LocalDate from = date(params, "from");
            LocalDate to = date(params, "to");
            if (from != null && to != null && from.isAfter(to)) {
                throw new Refusal(400, "from (" + from + ") is after to (" + to + ")", "from");
            }
            return new DayQuery(namespace, type, from == null || from.isBefore(windowStart) ? windowStart : from, to);
        }
    }

    /** A query of a rolling window. */
    private record RollingQuery(String namespace, String workflowType, String window, int minutes) {
        static RollingQuery of(Map<String, String> params) throws Refusal {
            String namespace = namespaceParameter(params);
            String type = workflowTypeParameter(params);
            String window = params.get("window");
            if (window == null) {
                throw new Refusal(400, "window is required: 1h or 24h", "window");
            }
            Integer minutes = MetricsAggregatorTopology.WINDOWS.get(window);
            if (minutes == null) {
                throw new Refusal(400, "window must be 1h or 24h, not \"" + window + "\"", "window");
            }
            return new RollingQuery(namespace, type, window, minutes);
        }
    }

    /** @return {@code text} URL-encoded, for building query strings */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
