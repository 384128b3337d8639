package io.temporalcdc.indexer.elasticsearch;

import co.elastic.clients.transport.rest5_client.low_level.Request;
import co.elastic.clients.transport.rest5_client.low_level.Response;
import co.elastic.clients.transport.rest5_client.low_level.ResponseException;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.ParseException;
import org.apache.hc.core5.http.io.entity.EntityUtils;

/** Plain JSON requests over the low-level client, answering every HTTP status instead of throwing. */
final class EsHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rest5Client rest;

    EsHttp(Rest5Client rest) {
        this.rest = rest;
    }

    /** One answer: the status and the parsed body (a missing node when empty or not JSON). */
    record Reply(String request, int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String errorType() {
            return body.path("error").path("type").asText("");
        }

        /** @return a message naming the request, the status and Elasticsearch's reason */
        String describe() {
            JsonNode error = body.path("error");
            String reason = error.isObject()
                    ? error.path("type").asText() + ": " + error.path("reason").asText()
                    : error.isMissingNode() ? body.toString() : error.asText();
            return request + " answered " + status + " (" + reason + ")";
        }
    }

    Reply call(String method, String endpoint, JsonNode body) throws IOException {
        Request request = new Request(method, endpoint);
        if (body != null) {
            request.setJsonEntity(JSON.writeValueAsString(body));
        }
        String name = method + " " + endpoint;
        try {
            return reply(name, rest.performRequest(request));
        } catch (ResponseException e) {
            return reply(name, e.getResponse());
        }
    }

    private static Reply reply(String name, Response response) throws IOException {
        return new Reply(name, response.getStatusCode(), parse(response.getEntity()));
    }

    private static JsonNode parse(HttpEntity entity) throws IOException {
        if (entity == null) {
            return MissingNode.getInstance();
        }
        try {
            String text = EntityUtils.toString(entity);
            return text.isBlank() ? MissingNode.getInstance() : JSON.readTree(text);
        } catch (ParseException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return MissingNode.getInstance();
        }
    }
}
