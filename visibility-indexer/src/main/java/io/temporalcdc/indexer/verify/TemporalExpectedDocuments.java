package io.temporalcdc.indexer.verify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporalcdc.indexer.temporal.TemporalDocumentMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The oracle of the {@code temporal-v12} profile: the document Temporal's Elasticsearch visibility would hold for every
 * row of {@code executions_visibility}, computed in SQL by PostgreSQL from Temporal's rules ({@code GenerateESDoc}),
 * independently of the indexer's mapper: status names, times as Go writes them (no trailing zeros), the closed fields
 * only for closed runs, Memo and MemoEncoding only for a memo with data, the search attributes top-level (NULL values,
 * empty lists, names Temporal does not define and the values its Elasticsearch visibility refuses left out). {@code VisibilityTaskKey} is not compared (Temporal never
 * reads it). Attribute names are the field names (Temporal 1.31 and later: no aliases).
 */
public final class TemporalExpectedDocuments {
    /** A UTC TIMESTAMP as Go's RFC 3339 with nanoseconds: trailing zeros of the fraction dropped, then a Z. */
    static final String GO_TIME =
            "(regexp_replace(to_char(COLUMN, 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), '\\.?0+$', '') || 'Z')";

    /** The attribute names Temporal defines (sadefs predefined, and the SQL schema's fields). */
    static final String ATTRIBUTE_NAMES =
            "'^(TemporalChangeVersion|BinaryChecksums|BuildIds|BatcherNamespace|BatcherUser"
                    + "|TemporalScheduledStartTime|TemporalScheduledById|TemporalSchedulePaused|TemporalNamespaceDivision"
                    + "|TemporalPauseInfo|TemporalReportedProblems|TemporalWorkerDeploymentVersion"
                    + "|TemporalWorkflowVersioningBehavior|TemporalWorkerDeployment|TemporalUsedWorkerDeploymentVersions"
                    + "|TemporalExternalPayloadCount|TemporalExternalPayloadSizeBytes"
                    + "|(Bool|Datetime|Double|Int|KeywordList|Keyword|Text)(0[1-9]|[1-9][0-9])"
                    + "|Temporal(Bool|Datetime|Double|Int|KeywordList|Keyword|LowCardinalityKeyword)(0[1-9]|[1-9][0-9]))$'";

    /**
     * The values Temporal's Elasticsearch visibility leaves out ({@code ValidateCustomSearchAttributes}): a datetime
     * outside [1970-01-01, 2262-04-11T23:47:16.854775807Z], a string (or a list item) over 32766 bytes.
     */
    static final String VALID_VALUE = "NOT (a.key ~ '(Datetime[0-9]{2}|^TemporalScheduledStartTime)$'"
            + "   AND jsonb_typeof(a.value) = 'string'"
            + "   AND ((a.value #>> '{}')::timestamptz < '1970-01-01T00:00:00Z'"
            + "     OR (a.value #>> '{}')::timestamptz > '2262-04-11T23:47:16.854775Z'))"
            + " AND NOT (jsonb_typeof(a.value) = 'string' AND octet_length(a.value #>> '{}') > 32766)"
            + " AND NOT (jsonb_typeof(a.value) = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(a.value) i"
            + "   WHERE jsonb_typeof(i) = 'string' AND octet_length(i #>> '{}') > 32766))";

    private static final String QUERY = "SELECT workflow_id, rtrim(run_id) AS run_id, (jsonb_build_object("
            + " 'NamespaceId', rtrim(namespace_id),"
            + " 'WorkflowId', workflow_id,"
            + " 'RunId', rtrim(run_id),"
            + " 'WorkflowType', workflow_type_name,"
            + " 'StartTime', " + time("start_time") + ","
            + " 'ExecutionTime', " + time("execution_time") + ","
            + " 'ExecutionStatus', CASE status WHEN 0 THEN 'Unspecified' WHEN 1 THEN 'Running' WHEN 2 THEN 'Completed'"
            + "   WHEN 3 THEN 'Failed' WHEN 4 THEN 'Canceled' WHEN 5 THEN 'Terminated' WHEN 6 THEN 'ContinuedAsNew'"
            + "   WHEN 7 THEN 'TimedOut' WHEN 8 THEN 'Paused' END,"
            + " 'TaskQueue', task_queue,"
            + " 'RootWorkflowId', root_workflow_id,"
            + " 'RootRunId', root_run_id,"
            + " 'ParentWorkflowId', parent_workflow_id,"
            + " 'ParentRunId', parent_run_id,"
            + " 'Memo', CASE WHEN length(memo) > 0 THEN replace(encode(memo, 'base64'), E'\\n', '') END,"
            + " 'MemoEncoding', CASE WHEN length(memo) > 0 THEN encoding END,"
            + " 'CloseTime', " + time("close_time") + ","
            + " 'ExecutionDuration', CASE WHEN close_time IS NOT NULL THEN execution_duration END,"
            + " 'HistoryLength', CASE WHEN close_time IS NOT NULL THEN history_length END,"
            + " 'StateTransitionCount', CASE WHEN close_time IS NOT NULL THEN state_transition_count END,"
            + " 'HistorySizeBytes', CASE WHEN close_time IS NOT NULL THEN history_size_bytes END"
            + ") || coalesce((SELECT jsonb_object_agg(a.key, a.value) FROM jsonb_each(search_attributes) a"
            + "   WHERE jsonb_typeof(a.value) <> 'null' AND a.value <> '[]'::jsonb AND a.key ~ " + ATTRIBUTE_NAMES
            + "   AND " + VALID_VALUE
            + " ), '{}'::jsonb))::text AS doc"
            + " FROM SCHEMA.executions_visibility";

    private final String jdbcUrl;
    private final String schema;
    private final ObjectMapper mapper;

    /**
     * @param jdbcUrl Temporal's visibility database
     * @param schema the schema of {@code executions_visibility}
     */
    public TemporalExpectedDocuments(String jdbcUrl, String schema, ObjectMapper mapper) {
        this.jdbcUrl = jdbcUrl;
        this.schema = io.temporalcdc.schemas.SourceProfiles.identifier("schema", schema);
        this.mapper = mapper;
    }

    private static String time(String column) {
        return GO_TIME.replace("COLUMN", column);
    }

    /** Every row's expected document by document id ({@code GetDocID}). */
    public Map<String, ObjectNode> load() throws SQLException {
        Map<String, ObjectNode> documents = new LinkedHashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false); // lets the driver stream with a fetch size
            statement.setFetchSize(1000);
            try (ResultSet rows = statement.executeQuery(QUERY.replace("SCHEMA", schema))) {
                while (rows.next()) {
                    String id =
                            TemporalDocumentMapper.documentId(rows.getString("workflow_id"), rows.getString("run_id"));
                    documents.put(id, ExpectedDocuments.withoutNulls(parse(rows.getString("doc"))));
                }
            }
            connection.commit();
        }
        return documents;
    }

    /** Compares every row with the document of index {@code index} ({@code VisibilityTaskKey} left out). */
    public ComparisonReport compare(IndexedDocuments indexed, String index)
            throws SQLException, IOException, InterruptedException {
        Map<String, ObjectNode> rows = load();
        Map<String, ObjectNode> documents = indexed.load(index);
        documents.values().forEach(document -> document.remove("VisibilityTaskKey"));
        return VisibilityComparator.compare(rows, documents);
    }

    private ObjectNode parse(String json) {
        try {
            return (ObjectNode) mapper.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
