package io.temporalcdc.crossregion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.runtime.ChangeEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The version of a row after a change, the same in every region that applied the same change (LSNs are not: each
 * cluster has its own): Temporal's {@code last_write_version} and {@code db_record_version} where the table has
 * them, a SHA-256 of the row's canonical JSON otherwise; {@link #DELETED} after a delete.
 */
public final class RowVersions {
    /** The version of a deleted row. */
    public static final String DELETED = "deleted";

    private static final String LAST_WRITE_VERSION = "last_write_version";
    private static final String DB_RECORD_VERSION = "db_record_version";

    private RowVersions() {}

    /** @return the version of the event's row after it; null for a tombstone or a truncate (no row) */
    public static String of(ChangeEvent event) {
        return switch (event.op()) {
            case DELETE -> DELETED;
            case CREATE, UPDATE, READ -> of(event.after());
            case TOMBSTONE, TRUNCATE -> null;
        };
    }

    /** @return the version of {@code row} */
    public static String of(JsonNode row) {
        JsonNode lastWrite = row.get(LAST_WRITE_VERSION);
        JsonNode record = row.get(DB_RECORD_VERSION);
        if (lastWrite != null && lastWrite.isNumber() && record != null && record.isNumber()) {
            return "lwv=" + lastWrite.asLong() + ",drv=" + record.asLong();
        }
        if (record != null && record.isNumber()) {
            return "drv=" + record.asLong();
        }
        return "sha256=" + sha256(canonical(row));
    }

    /** @return {@code node} as JSON with object fields sorted and text trimmed of trailing blanks (char(n)) */
    public static String canonical(JsonNode node) {
        return sorted(node).toString();
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            var out = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> out.add(sorted(element)));
            return out;
        }
        if (node.isTextual()) {
            return JsonNodeFactory.instance.textNode(node.asText().stripTrailing());
        }
        return node;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
