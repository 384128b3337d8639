package io.temporalcdc.cdcsource;

import io.temporalcdc.schemas.Topics;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * What cdc-source captures, by source profile ({@value CdcSourceConfig#SOURCE_PROFILE}): the publication that
 * publishes it, Debezium's include lists, and the catalog filter of the preflight checks.
 *
 * <ul>
 *   <li>{@code seed}: every table of the schemas {@code temporal} and {@code temporal_visibility}, through a
 *       publication {@code FOR TABLES IN SCHEMA} (a superuser creates it);
 *   <li>{@code temporal-v12}: Temporal's own SQL visibility table {@code <visibility.schema>.executions_visibility}
 *       in the visibility database, through a publication {@code FOR TABLE} (its owner may create it).
 * </ul>
 *
 * @param schemas the schemas captured
 * @param table the one table captured ({@code schema.table}), or null for every table of {@code schemas}
 */
record CapturedTables(List<String> schemas, String table) {

    /** The seed profile's capture. */
    static CapturedTables seed() {
        return new CapturedTables(Topics.CAPTURED_SCHEMAS, null);
    }

    /** The temporal-v12 profile's capture: {@code <schema>.executions_visibility}. */
    static CapturedTables temporalVisibility(String schema) {
        return new CapturedTables(List.of(schema), schema + "." + Topics.TEMPORAL_VISIBILITY_TABLE);
    }

    /** @return the statement that creates publication {@code name} (an identifier validated by the config) */
    String publicationStatement(String name) {
        if (table != null) {
            return "CREATE PUBLICATION \"" + name + "\" FOR TABLE " + table;
        }
        return "CREATE PUBLICATION \"" + name + "\" FOR TABLES IN SCHEMA " + String.join(", ", schemas)
                + " WITH (publish_via_partition_root = true)";
    }

    /** @return whether only a superuser may create the publication */
    boolean publicationNeedsSuperuser() {
        return table == null;
    }

    /** @return what the publication covers, for messages */
    String describe() {
        return table != null ? "the table " + table : "the schemas " + String.join(" and ", schemas);
    }

    /** @return the SQL condition on {@code n} (pg_namespace) and {@code c} (pg_class) selecting the captured tables */
    String catalogFilter() {
        String inSchemas =
                "n.nspname IN (" + schemas.stream().map(s -> "'" + s + "'").collect(Collectors.joining(", ")) + ")";
        if (table == null) {
            return inSchemas;
        }
        return inSchemas + " AND c.relname = '" + table.substring(table.indexOf('.') + 1) + "'";
    }

    /** @return the grants an administrator gives {@code user} so that the snapshot can read the captured tables */
    String grants(String user) {
        String usage = "GRANT USAGE ON SCHEMA " + String.join(", ", schemas) + " TO " + user;
        if (table != null) {
            return usage + "; GRANT SELECT ON " + table + " TO " + user;
        }
        return usage + "; GRANT SELECT ON ALL TABLES IN SCHEMA " + String.join(", ", schemas) + " TO " + user;
    }

    /** Sets Debezium's include lists. */
    void includeLists(Properties props) {
        props.setProperty("schema.include.list", String.join(",", schemas));
        if (table != null) {
            props.setProperty("table.include.list", table.replace(".", "\\."));
        }
    }
}
