package io.temporalcdc.runtime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;

/** Strict JSON parsing of column values: exactly one JSON value, nothing after it. */
public final class JsonText {
    private static final ObjectReader READER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .readerFor(JsonNode.class);

    private JsonText() {}

    public static JsonNode parse(String column, String text) {
        try {
            return checked(column, READER.readTree(text));
        } catch (JacksonException e) {
            throw invalid(column, e);
        }
    }

    public static JsonNode parse(String column, byte[] utf8) {
        try {
            return checked(column, READER.readTree(utf8));
        } catch (IOException e) {
            throw invalid(column, e);
        }
    }

    private static JsonNode checked(String column, JsonNode node) {
        if (node == null || node.isMissingNode()) {
            throw new UnmappableChangeException(column + " is not valid JSON: it is empty");
        }
        return node;
    }

    private static UnmappableChangeException invalid(String column, IOException e) {
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return new UnmappableChangeException(column + " is not valid JSON: " + message, e);
    }
}
