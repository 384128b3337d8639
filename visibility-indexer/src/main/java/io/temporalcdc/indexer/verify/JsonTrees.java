package io.temporalcdc.indexer.verify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/** Equality of JSON trees where numbers compare by value (1.50 equals 1.5, 7 equals 7.0). */
public final class JsonTrees {

    private JsonTrees() {}

    public static boolean equal(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            return objectsEqual(a, b);
        }
        if (a.isArray() && b.isArray()) {
            return arraysEqual(a, b);
        }
        return a.equals(b);
    }

    private static boolean objectsEqual(JsonNode a, JsonNode b) {
        Set<String> names = new HashSet<>();
        a.fieldNames().forEachRemaining(names::add);
        b.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!equal(a.get(name), b.get(name))) {
                return false;
            }
        }
        return true;
    }

    private static boolean arraysEqual(JsonNode a, JsonNode b) {
        if (a.size() != b.size()) {
            return false;
        }
        Iterator<JsonNode> left = a.elements();
        Iterator<JsonNode> right = b.elements();
        while (left.hasNext()) {
            if (!equal(left.next(), right.next())) {
                return false;
            }
        }
        return true;
    }
}
