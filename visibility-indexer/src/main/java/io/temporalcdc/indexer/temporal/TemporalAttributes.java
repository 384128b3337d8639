package io.temporalcdc.indexer.temporal;

import io.temporalcdc.indexer.SearchAttributeType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The search attributes of Temporal's visibility (server 1.31): their types, the Elasticsearch mapping of each type,
 * and the name a {@code search_attributes} key of the SQL table carries in the index.
 *
 * <ul>
 *   <li>the system fields Temporal stores in their own columns and {@code ParseESDoc} types ({@code
 *       common/searchattribute/sadefs/constants.go}, {@code system});
 *   <li>the predefined attributes ({@code predefined} there: {@code BuildIds}, {@code TemporalChangeVersion}, …);
 *   <li>the pre-allocated custom fields of the SQL schema: {@code Bool01}, {@code Datetime01}, {@code Double01},
 *       {@code Int01}, {@code Keyword01}, {@code KeywordList01}, {@code Text01} and on (any two-digit number), and
 *       CHASM's {@code TemporalBool01}, {@code TemporalLowCardinalityKeyword01}, ….
 * </ul>
 *
 * From Temporal 1.31 its Elasticsearch visibility names custom attributes by these field names, as SQL does; before
 * 1.31 it used the namespace's aliases, which an operator gives as {@code temporal.search.attribute.aliases}.
 */
public final class TemporalAttributes {
    /** Temporal's system fields and their types (sadefs {@code system}), NamespaceId aside. */
    public static final Map<String, SearchAttributeType> SYSTEM = Map.ofEntries(
            Map.entry("WorkflowId", SearchAttributeType.KEYWORD),
            Map.entry("RunId", SearchAttributeType.KEYWORD),
            Map.entry("WorkflowType", SearchAttributeType.KEYWORD),
            Map.entry("StartTime", SearchAttributeType.DATETIME),
            Map.entry("ExecutionTime", SearchAttributeType.DATETIME),
            Map.entry("CloseTime", SearchAttributeType.DATETIME),
            Map.entry("ExecutionStatus", SearchAttributeType.KEYWORD),
            Map.entry("TaskQueue", SearchAttributeType.KEYWORD),
            Map.entry("HistoryLength", SearchAttributeType.INT),
            Map.entry("ExecutionDuration", SearchAttributeType.INT),
            Map.entry("StateTransitionCount", SearchAttributeType.INT),
            Map.entry("HistorySizeBytes", SearchAttributeType.INT),
            Map.entry("ParentWorkflowId", SearchAttributeType.KEYWORD),
            Map.entry("ParentRunId", SearchAttributeType.KEYWORD),
            Map.entry("RootWorkflowId", SearchAttributeType.KEYWORD),
            Map.entry("RootRunId", SearchAttributeType.KEYWORD));

    /** Temporal's predefined attributes and their types (sadefs {@code predefined}). */
    public static final Map<String, SearchAttributeType> PREDEFINED = Map.ofEntries(
            Map.entry("TemporalChangeVersion", SearchAttributeType.KEYWORD_LIST),
            Map.entry("BinaryChecksums", SearchAttributeType.KEYWORD_LIST),
            Map.entry("BuildIds", SearchAttributeType.KEYWORD_LIST),
            Map.entry("BatcherNamespace", SearchAttributeType.KEYWORD),
            Map.entry("BatcherUser", SearchAttributeType.KEYWORD),
            Map.entry("TemporalScheduledStartTime", SearchAttributeType.DATETIME),
            Map.entry("TemporalScheduledById", SearchAttributeType.KEYWORD),
            Map.entry("TemporalSchedulePaused", SearchAttributeType.BOOL),
            Map.entry("TemporalNamespaceDivision", SearchAttributeType.KEYWORD),
            Map.entry("TemporalPauseInfo", SearchAttributeType.KEYWORD_LIST),
            Map.entry("TemporalReportedProblems", SearchAttributeType.KEYWORD_LIST),
            Map.entry("TemporalWorkerDeploymentVersion", SearchAttributeType.KEYWORD),
            Map.entry("TemporalWorkflowVersioningBehavior", SearchAttributeType.KEYWORD),
            Map.entry("TemporalWorkerDeployment", SearchAttributeType.KEYWORD),
            Map.entry("TemporalUsedWorkerDeploymentVersions", SearchAttributeType.KEYWORD_LIST),
            Map.entry("TemporalExternalPayloadCount", SearchAttributeType.INT),
            Map.entry("TemporalExternalPayloadSizeBytes", SearchAttributeType.INT));

    /**
     * The pre-allocated custom fields of Temporal's SQL visibility schema (v12, 1.14): Bool01-03, Datetime01-03,
     * Double01-03, Int01-03, Keyword01-10, KeywordList01-03, Text01-03. The {@code temporal} index maps them up front.
     */
    public static final List<String> SQL_FIELDS = sqlFields();

    /** The SQL schema's pre-allocated fields: Keyword01, TemporalKeywordList02, TemporalLowCardinalityKeyword01, … */
    private static final Pattern FIELD = Pattern.compile(
            "(?:(Bool|Datetime|Double|Int|KeywordList|Keyword|Text)|Temporal(Bool|Datetime|Double|Int|KeywordList|Keyword"
                    + "|LowCardinalityKeyword))(?!00)\\d{2}");

    private final Map<String, String> aliases;
    private final Map<String, Map<String, String>> namespaceAliases;

    /** Field names as they are (Temporal 1.31 and later). */
    public TemporalAttributes() {
        this(List.of());
    }

    /**
     * @param aliases {@code [namespace_id/]Field:Alias} entries: the name a field carries in the index (Temporal
     *     before 1.31, whose Elasticsearch visibility names custom attributes by their aliases); without a namespace
     *     id the entry holds for every namespace
     */
    public TemporalAttributes(List<String> aliases) {
        Map<String, String> all = new HashMap<>();
        Map<String, Map<String, String>> byNamespace = new HashMap<>();
        for (String entry : aliases) {
            String text = entry.strip();
            if (text.isEmpty()) {
                continue;
            }
            int slash = text.indexOf('/');
            String namespace = slash < 0 ? null : text.substring(0, slash).strip();
            String pair = slash < 0 ? text : text.substring(slash + 1);
            int colon = pair.indexOf(':');
            if (colon <= 0 || colon == pair.length() - 1 || (namespace != null && namespace.isEmpty())) {
                throw new IllegalArgumentException(
                        "\"" + entry + "\" is not [namespace_id/]Field:Alias, e.g. Keyword01:CustomerId");
            }
            String field = pair.substring(0, colon).strip();
            String alias = pair.substring(colon + 1).strip();
            if (typeOf(field).isEmpty()) {
                throw new IllegalArgumentException("\"" + entry + "\": " + field
                        + " is not a field of Temporal's SQL visibility (Keyword01, Int02, Text03, ...)");
            }
            if (namespace == null) {
                all.put(field, alias);
            } else {
                byNamespace.computeIfAbsent(namespace, n -> new HashMap<>()).put(field, alias);
            }
        }
        this.aliases = Map.copyOf(all);
        this.namespaceAliases = Map.copyOf(byNamespace);
    }

    private static List<String> sqlFields() {
        List<String> fields = new java.util.ArrayList<>();
        Map<String, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put("Bool", 3);
        counts.put("Datetime", 3);
        counts.put("Double", 3);
        counts.put("Int", 3);
        counts.put("Keyword", 10);
        counts.put("KeywordList", 3);
        counts.put("Text", 3);
        counts.forEach((type, count) -> {
            for (int i = 1; i <= count; i++) {
                fields.add(type + String.format("%02d", i));
            }
        });
        return List.copyOf(fields);
    }

    /** @return the type of a search attribute name of the SQL table, empty when Temporal does not define it */
    public static Optional<SearchAttributeType> typeOf(String name) {
        SearchAttributeType type = PREDEFINED.get(name);
        if (type != null) {
            return Optional.of(type);
        }
        Matcher field = FIELD.matcher(name);
        if (!field.matches()) {
            return Optional.empty();
        }
        String kind = field.group(1) != null ? field.group(1) : field.group(2);
        return Optional.of(
                switch (kind) {
                    case "Bool" -> SearchAttributeType.BOOL;
                    case "Datetime" -> SearchAttributeType.DATETIME;
                    case "Double" -> SearchAttributeType.DOUBLE;
                    case "Int" -> SearchAttributeType.INT;
                    case "KeywordList" -> SearchAttributeType.KEYWORD_LIST;
                    case "Text" -> SearchAttributeType.TEXT;
                    default -> SearchAttributeType.KEYWORD;
                });
    }

    /** @return the name the attribute {@code field} of namespace {@code namespaceId} carries in the index */
    public String indexName(String namespaceId, String field) {
        Map<String, String> own = namespaceAliases.get(namespaceId);
        if (own != null && own.containsKey(field)) {
            return own.get(field);
        }
        return aliases.getOrDefault(field, field);
    }

    /** @return every index name an alias gives, with its type (the mapping needs them) */
    public Map<String, SearchAttributeType> aliasTypes() {
        Map<String, SearchAttributeType> types = new HashMap<>();
        aliases.forEach((field, alias) -> types.put(alias, typeOf(field).orElseThrow()));
        namespaceAliases
                .values()
                .forEach(map -> map.forEach(
                        (field, alias) -> types.put(alias, typeOf(field).orElseThrow())));
        return types;
    }
}
