package io.temporalcdc.schemas;

import java.util.regex.Pattern;

/**
 * What cdc-source captures and the indexer reads ({@code source.profile}), one name for every module and tool: the
 * seed's tables, or Temporal's own SQL visibility table. And the PostgreSQL identifiers those settings name.
 */
public final class SourceProfiles {
    /** The seed's schemas {@code temporal} and {@code temporal_visibility}. */
    public static final String SEED = "seed";
    /** Temporal's own SQL visibility table {@code executions_visibility} (PostgreSQL schema v12, Temporal 1.31). */
    public static final String TEMPORAL_V12 = "temporal-v12";
    /** An unquoted, lowercase PostgreSQL identifier (a schema, slot or publication name). */
    public static final Pattern POSTGRES_IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private SourceProfiles() {}

    /** @return {@code name}, when it is a {@link #POSTGRES_IDENTIFIER} */
    public static String identifier(String what, String name) {
        if (name == null || !POSTGRES_IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    what + " " + name + " is not a lowercase PostgreSQL identifier ([a-z_][a-z0-9_]*)");
        }
        return name;
    }
}
