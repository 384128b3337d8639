package io.temporalcdc.demo;

import java.util.regex.Pattern;

/**
 * The line the demo prints once on stdout when the schema is applied and every app consumes:
 * {@code ENDPOINTS {"postgres":"jdbc:postgresql://HOST:PORT/DB?user=USER","elasticsearch":"http://HOST:PORT",
 * "kafka":"HOST:PORT","redis":"redis://HOST:PORT","metrics":"http://HOST:PORT",
 * "schemaRegistry":"http://HOST:PORT/apis/ccompat/v7"}} (other tools parse it: keep it exactly; new services add keys
 * at the end). {@code metrics} is the base URL of the metrics aggregator's query API, {@code schemaRegistry} the
 * Confluent-compatible API of the stack's schema registry.
 */
final class EndpointsLine {

    private static final String HOST = "(127\\.0\\.0\\.1|localhost)";
    private static final String PORT = "\\d{1,5}";

    /** What a valid line looks like. */
    static final Pattern FORMAT = Pattern.compile("^ENDPOINTS \\{"
            + "\"postgres\":\"jdbc:postgresql://" + HOST + ":" + PORT + "/[A-Za-z0-9_\\-]+\\?user=[A-Za-z0-9_\\-]+\","
            + "\"elasticsearch\":\"http://" + HOST + ":" + PORT + "\","
            + "\"kafka\":\"" + HOST + ":" + PORT + "\","
            + "\"redis\":\"redis://" + HOST + ":" + PORT + "\","
            + "\"metrics\":\"http://" + HOST + ":" + PORT + "\","
            + "\"schemaRegistry\":\"http://" + HOST + ":" + PORT + "/apis/ccompat/v7\"}$");

    private EndpointsLine() {}

    /**
     * The line for the stack's endpoints JSON, the aggregator's API and the registry; refuses anything that does not match {@link
     * #FORMAT}.
     */
    static String of(String endpointsJson, String metricsUrl, String schemaRegistryUrl) {
        String servers = endpointsJson.strip();
        if (!servers.endsWith("}")) {
            throw new IllegalStateException("endpoints JSON is not an object: " + endpointsJson);
        }
        String line = "ENDPOINTS " + servers.substring(0, servers.length() - 1) + ",\"metrics\":\"" + metricsUrl
                + "\",\"schemaRegistry\":\"" + schemaRegistryUrl + "\"}";
        if (!FORMAT.matcher(line).matches()) {
            throw new IllegalStateException("endpoints JSON is not in the contracted form: " + endpointsJson);
        }
        return line;
    }
}
