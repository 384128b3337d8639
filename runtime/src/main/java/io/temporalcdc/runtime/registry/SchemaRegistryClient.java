package io.temporalcdc.runtime.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.temporalcdc.runtime.Retrier;
import io.temporalcdc.runtime.RetryExhaustedException;
import io.temporalcdc.runtime.RetryPolicy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A client of the Confluent Schema Registry REST API (v7), for any server that speaks it: Confluent's own, Apicurio's
 * {@code /apis/ccompat/v7}, Karapace, Redpanda. Avro schemas only (no {@code schemaType} is sent, which means AVRO).
 *
 * <p>Ids are cached both ways: a schema registered (or looked up) under a subject is not sent again, and a schema read
 * by id is not read again (ids are immutable). Transient failures (no answer, 5xx, 408, 429) are retried with the
 * runtime's {@link Retrier}; refusals are not, and surface as a {@link SchemaRegistryException} naming the subject,
 * the status, the registry's error code and its message.
 */
public final class SchemaRegistryClient implements AutoCloseable {

    /** A subject's version: its number, the schema's global id, the schema text. */
    public record SubjectVersion(String subject, int version, int id, String schema) {}

    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final int MAX_CACHED = 10_000;
    /** Attempts at a first registration the registry refuses with a conflict while the subject has no version. */
    private static final int CONFLICT_ATTEMPTS = 5;

    private final String baseUrl;
    private final Duration requestTimeout;
    private final HttpClient http;
    private final Retrier retrier;
    private final ObjectMapper mapper = new ObjectMapper();
    /** subject → (schema text → id) */
    private final Map<String, Map<String, Integer>> idsBySubject = new ConcurrentHashMap<>();

    private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();

    /**
     * @param baseUrl the API's base URL, e.g. {@code http://registry:8081} or {@code http://host:8080/apis/ccompat/v7}
     * @param requestTimeout the time-out of one HTTP request
     * @param retry how transient failures are retried
     * @param meters where the retrier counts its retries, or null
     */
    public SchemaRegistryClient(String baseUrl, Duration requestTimeout, RetryPolicy retry, MeterRegistry meters) {
        URI uri = URI.create(baseUrl.strip());
        if (uri.getScheme() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException(
                    "schema registry URL must be http(s)://host:port[/path], was " + baseUrl);
        }
        this.baseUrl = stripTrailingSlash(baseUrl.strip());
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder()
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.retrier = new Retrier("schema-registry", retry, SchemaRegistryClient::isTransient, meters);
    }

    /**
     * A client with 10 s requests, retried 8 times (backoff from 200 ms doubling up to 5 s): about 20 s for a registry
     * that refuses connections, up to about 100 s for one that accepts them and never answers.
     */
    public static SchemaRegistryClient of(String baseUrl, MeterRegistry meters) {
        return new SchemaRegistryClient(
                baseUrl,
                Duration.ofSeconds(10),
                new RetryPolicy(8, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30)),
                meters);
    }

    /** The base URL the client talks to. */
    public String baseUrl() {
        return baseUrl;
    }

    /**
     * Registers {@code schema} under {@code subject} (a no-op for the registry when the subject already has it) and
     * returns its id; cached, so a schema is sent once per subject.
     *
     * @throws SchemaRegistryException when the registry refuses it (409: incompatible with the subject's versions
     *     under its compatibility level; 422: not a valid schema)
     */
    public int register(String subject, String schema) {
        Map<String, Integer> ids = idsOf(subject);
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        ObjectNode body = mapper.createObjectNode().put("schema", schema);
        for (int attempt = 1; ; attempt++) {
            try {
                JsonNode answer = call("register", subject, "POST", "/subjects/" + encode(subject) + "/versions", body);
                int id = requireInt(answer, "id", "register", subject);
                remember(ids, schema, id);
                return id;
            } catch (SchemaRegistryException e) {
                if (!e.isIncompatible()) {
                    throw e;
                }
                // a 409 is a refusal, unless the subject has the schema after all (registered by a retried request,
                // or by another writer) or has no version at all: Apicurio answers 409 "already exists" to the
                // first registration of a subject when another one is stored at the same moment
                Optional<Integer> known = lookup(subject, schema);
                if (known.isPresent()) {
                    return known.get();
                }
                if (attempt >= CONFLICT_ATTEMPTS || !versions(subject).isEmpty()) {
                    throw e;
                }
                pause(attempt);
            }
        }
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(50L * attempt);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while registering a schema", 0, -1, null, e);
        }
    }

    /** The id under which {@code subject} already holds {@code schema}, if it does (cached). */
    public Optional<Integer> lookup(String subject, String schema) {
        Map<String, Integer> ids = idsOf(subject);
        Integer cached = ids.get(schema);
        if (cached != null) {
            return Optional.of(cached);
        }
        try {
            ObjectNode body = mapper.createObjectNode().put("schema", schema);
            JsonNode answer = call("look up", subject, "POST", "/subjects/" + encode(subject), body);
            int id = requireInt(answer, "id", "look up", subject);
            remember(ids, schema, id);
            return Optional.of(id);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The schema text with global id {@code id} (cached: ids never change meaning).
     *
     * @throws SchemaRegistryException with status 404 when the registry has no such id
     */
    public String schemaById(int id) {
        String cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("read schema " + id, null, "GET", "/schemas/ids/" + id, null);
        JsonNode schema = answer.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw new SchemaRegistryException(
                    "schema registry " + baseUrl + ": the answer for schema id " + id + " has no \"schema\"",
                    200,
                    -1,
                    null,
                    null);
        }
        if (schemasById.size() >= MAX_CACHED) {
            schemasById.clear();
        }
        schemasById.put(id, schema.textValue());
        return schema.textValue();
    }

    /** A version of {@code subject}: a number, or {@code "latest"}. */
    public SubjectVersion version(String subject, String version) {
        JsonNode answer = call(
                "read version " + version,
                subject,
                "GET",
                "/subjects/" + encode(subject) + "/versions/" + encode(version),
                null);
        int id = requireInt(answer, "id", "read version " + version, subject);
        String schema = answer.path("schema").asText();
        schemasById.putIfAbsent(id, schema);
        return new SubjectVersion(subject, requireInt(answer, "version", "read version", subject), id, schema);
    }

    /** The version numbers of {@code subject}, oldest first; empty when the subject does not exist. */
    public List<Integer> versions(String subject) {
        try {
            JsonNode answer = call("list versions", subject, "GET", "/subjects/" + encode(subject) + "/versions", null);
            List<Integer> versions = new ArrayList<>();
            answer.forEach(v -> versions.add(v.asInt()));
            return versions;
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return List.of();
            }
            throw e;
        }
    }

    /** Every subject the registry holds. */
    public List<String> subjects() {
        JsonNode answer = call("list subjects", null, "GET", "/subjects", null);
        List<String> subjects = new ArrayList<>();
        answer.forEach(s -> subjects.add(s.asText()));
        return subjects;
    }

    /**
     * Whether {@code schema} could be registered under {@code subject} as its next version, by the subject's
     * compatibility level; true when the subject has no version yet.
     */
    public boolean isCompatible(String subject, String schema) {
        ObjectNode body = mapper.createObjectNode().put("schema", schema);
        try {
            JsonNode answer = call(
                    "check compatibility",
                    subject,
                    "POST",
                    "/compatibility/subjects/" + encode(subject) + "/versions/latest",
                    body);
            JsonNode verdict = answer.get("is_compatible");
            if (verdict == null || !verdict.isBoolean()) {
                throw new SchemaRegistryException(
                        "schema registry " + baseUrl + ": compatibility answer for subject " + subject
                                + " has no \"is_compatible\": " + answer,
                        200,
                        -1,
                        subject,
                        null);
            }
            return verdict.booleanValue();
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
    }

    /** Sets {@code subject}'s compatibility level ({@code BACKWARD}, {@code FULL}, {@code NONE}, …). */
    public void setCompatibility(String subject, String level) {
        ObjectNode body = mapper.createObjectNode().put("compatibility", level);
        call("set compatibility", subject, "PUT", "/config/" + encode(subject), body);
    }

    /**
     * Sets the registry-wide compatibility level. (Apicurio 2.x applies its global level to a subject whose own level
     * is NONE: relaxing a subject there takes this.)
     */
    public void setGlobalCompatibility(String level) {
        ObjectNode body = mapper.createObjectNode().put("compatibility", level);
        call("set the global compatibility", null, "PUT", "/config", body);
    }

    /** Releases the HTTP client's connections and threads. */
    @Override
    public void close() {
        http.close();
    }

    private Map<String, Integer> idsOf(String subject) {
        if (idsBySubject.size() >= MAX_CACHED) {
            idsBySubject.clear();
        }
        return idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
    }

    private void remember(Map<String, Integer> ids, String schema, int id) {
        if (ids.size() >= MAX_CACHED) {
            ids.clear();
        }
        ids.put(schema, id);
        schemasById.putIfAbsent(id, schema);
    }

    private JsonNode call(String operation, String subject, String method, String path, JsonNode body) {
        String what = subject == null ? operation : operation + " (subject " + subject + ")";
        try {
            return retrier.call(what, () -> send(operation, subject, method, path, body));
        } catch (RetryExhaustedException e) {
            if (e.getCause() instanceof SchemaRegistryException refused) {
                throw new SchemaRegistryException(
                        e.getMessage(), refused.status(), refused.errorCode(), subject, refused);
            }
            throw new SchemaRegistryException(e.getMessage(), 0, -1, subject, e);
        }
    }

    private JsonNode send(String operation, String subject, String method, String path, JsonNode body)
            throws InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .timeout(requestTimeout)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8));
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SchemaRegistryException(
                    "schema registry " + baseUrl + " did not answer " + operation + describe(subject) + ": " + e,
                    0,
                    -1,
                    subject,
                    e);
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            int errorCode = answer == null ? -1 : answer.path("error_code").asInt(-1);
            String message = answer == null
                    ? abbreviate(response.body())
                    : answer.path("message").asText("");
            throw new SchemaRegistryException(
                    "schema registry " + baseUrl + " refused " + operation + describe(subject) + ": HTTP "
                            + response.statusCode() + (errorCode >= 0 ? ", error_code " + errorCode : "")
                            + (message.isEmpty() ? "" : ", " + message),
                    response.statusCode(),
                    errorCode,
                    subject,
                    null);
        }
        if (answer == null) {
            throw new SchemaRegistryException(
                    "schema registry " + baseUrl + " answered " + operation + describe(subject) + " with no JSON: "
                            + abbreviate(response.body()),
                    response.statusCode(),
                    -1,
                    subject,
                    null);
        }
        return answer;
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            return null;
        }
    }

    private int requireInt(JsonNode answer, String field, String operation, String subject) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw new SchemaRegistryException(
                    "schema registry " + baseUrl + ": the answer to " + operation + describe(subject) + " has no \""
                            + field + "\": " + abbreviate(answer.toString()),
                    200,
                    -1,
                    subject,
                    null);
        }
        return value.asInt();
    }

    private static boolean isTransient(Throwable t) {
        return t instanceof SchemaRegistryException e && e.isTransient();
    }

    private static String describe(String subject) {
        return subject == null ? "" : " for subject " + subject;
    }

    private static String encode(String part) {
        return URLEncoder.encode(part, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "…";
    }
}
